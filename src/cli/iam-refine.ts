// `keyaki iam refine`: the policy an unused-access finding recommends, as JSON
// or as a diff a reviewer reads per statement. The batch form pairs
// `NAME.json` with `NAME.unused.json` in one folder.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  findNodeAtLocation,
  parse,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import {
  loadActionCatalog,
  refinePolicy,
  unusedPermissionsProblem,
  type ActionCatalog,
  type RefineResult,
  type StatementChange,
  type UnusedPermission,
} from '../iam/index.js';
import { ExitCode, readDocumentArgument, UsageError } from './io.js';

type RefineOutput = 'json' | 'diff';

function parseRefineOutput(value: string): RefineOutput {
  if (value === 'json' || value === 'diff') return value;
  throw new UsageError(`unknown output format \`${value}\`: expected \`json\` or \`diff\``);
}

/** A document that is read whole, located by `source`. */
interface Document {
  readonly source: string;
  readonly text: string;
}

/** `source:line:column` (both 1-based) of an offset, as editors jump to it. */
function place({ source, text }: Document, offset: number): string {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return `${source}:${before.length}:${(before[before.length - 1] ?? '').length + 1}`;
}

/**
 * The document's text, checked to be JSON (malformed JSON is a usage error at
 * its first problem), without the byte order mark editors on Windows save.
 */
function jsonText(document: Document): string {
  const mark = document.text.startsWith('\uFEFF') ? 1 : 0;
  const text = document.text.slice(mark);
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  } catch (error) {
    // jsonc-parser recurses per nesting level; absurd nesting exhausts the stack.
    if (!(error instanceof RangeError)) throw error;
    throw new UsageError(`\`${document.source}\`: the document nests too deeply`);
  }
  const [first] = errors;
  if (first === undefined) return text;
  const problem = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  throw new UsageError(`\`${place(document, first.offset + mark)}\`: malformed json: ${problem}`);
}

/**
 * A problem at a JSON path (`Statement[0].Action`, `[2].actions[1]`; empty for
 * the whole document): a usage error naming the file, the line and column
 * where the value starts, and the path.
 */
function problemAt(document: Document, path: string, message: string): UsageError {
  const segments = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(([, key, index]) =>
    index === undefined ? (key as string) : Number(index),
  );
  const root = parseTree(document.text);
  // A missing member is placed at the nearest value that is there: the object that lacks it.
  let node: Node | undefined;
  for (let length = segments.length; node === undefined && root !== undefined && length >= 0; length--)
    node = findNodeAtLocation(root, segments.slice(0, length));
  const where = node === undefined ? document.source : place(document, node.offset);
  return new UsageError(`\`${where}\`${path === '' ? '' : ` at ${path}`}: ${message}`);
}

function parseUnused(document: Document): UnusedPermission[] {
  const value: unknown = JSON.parse(jsonText(document));
  const problem = unusedPermissionsProblem(value);
  if (problem !== undefined) throw problemAt(document, problem.path, problem.message);
  return value as UnusedPermission[];
}

function refineOne(policy: Document, unused: Document, catalog: ActionCatalog): RefineResult {
  const result = refinePolicy({
    policyDocument: jsonText(policy),
    unusedPermissions: parseUnused(unused),
    catalog,
  });
  if (!result.ok) throw problemAt(policy, result.path, result.message);
  return result;
}

/** The result as README documents it: the library's `ok` tag is not part of the response. */
function printed(result: RefineResult): Omit<RefineResult, 'ok'> {
  const { ok: _ok, ...response } = result;
  return response;
}

/** One block per statement that changed: `-` removed, `+` added, ` ` kept. */
export function formatDiff(name: string, result: RefineResult): string {
  const lines = [
    `--- ${name}`,
    `+++ ${name} (${result.recommendedAction}, catalog ${result.catalogVersion})`,
  ];
  for (const change of result.changes.filter((c) => c.outcome !== 'unchanged'))
    lines.push(...statementDiff(change));
  for (const warning of result.warnings)
    lines.push(`! ${warning.path === '' ? 'finding' : warning.path}: ${warning.message}`);
  return `${lines.join('\n')}\n`;
}

function statementDiff(change: StatementChange): string[] {
  const sid = change.sid === undefined ? '' : ` (${change.sid})`;
  const head = `@@ Statement[${change.statementIndex}]${sid} ${change.effect} ${change.element}: ${change.outcome} @@`;
  const body = change.entries.flatMap((entry) => {
    switch (entry.kind) {
      case 'kept':
        return [`  ${entry.entry}`];
      case 'removed':
        return [`- ${entry.entry}`];
      case 'replaced':
        return [`- ${entry.entry}`, ...entry.replacements.map((r) => `+ ${r}`)];
      default: {
        const unreachable: never = entry;
        return unreachable;
      }
    }
  });
  return [head, ...body, ...change.added.map((added) => `+ ${added}`)];
}

/** `NAME.json` policies that have a `NAME.unused.json` finding next to them. */
function pairsIn(directory: string): { name: string; policy: string; unused: string }[] {
  let files: string[];
  try {
    files = readdirSync(directory);
  } catch {
    throw new UsageError(`cannot read folder \`${directory}\` given to --policies-dir`);
  }
  const names = new Set(files);
  return files
    .filter((file) => file.endsWith('.json') && !file.endsWith('.unused.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .filter((name) => names.has(`${name}.unused.json`))
    .sort()
    .map((name) => ({
      name,
      policy: join(directory, `${name}.json`),
      unused: join(directory, `${name}.unused.json`),
    }));
}

export function registerIamRefine(group: Command): void {
  group
    .command('refine')
    .description('recommend a policy that keeps its structure and grants exactly the used actions')
    .option('--policy-document <document>', 'the policy as JSON text, or file://path')
    .option('--unused-permissions <document>', 'the unused-permission finding as JSON text, or file://path')
    .option('--policies-dir <folder>', 'refine every NAME.json that has a NAME.unused.json beside it')
    .option('--output <format>', 'json or diff', parseRefineOutput, 'json')
    .action(
      async (options: {
        policyDocument?: string;
        unusedPermissions?: string;
        policiesDir?: string;
        output: RefineOutput;
      }) => {
        const catalog = await loadActionCatalog();
        const results: [string, RefineResult][] = [];
        if (options.policiesDir !== undefined) {
          if (options.policyDocument !== undefined || options.unusedPermissions !== undefined)
            throw new UsageError(
              '--policies-dir cannot be combined with --policy-document or --unused-permissions',
            );
          for (const pair of pairsIn(options.policiesDir)) {
            const policy = readDocumentArgument(`file://${pair.policy}`, '--policies-dir');
            const unused = readDocumentArgument(`file://${pair.unused}`, '--policies-dir');
            results.push([pair.name, refineOne(policy, unused, catalog)]);
          }
        } else {
          if (options.policyDocument === undefined || options.unusedPermissions === undefined)
            throw new UsageError('expected --policy-document and --unused-permissions, or --policies-dir');
          const policy = readDocumentArgument(options.policyDocument, '--policy-document');
          const unused = readDocumentArgument(options.unusedPermissions, '--unused-permissions');
          results.push([policy.source, refineOne(policy, unused, catalog)]);
        }
        const responses = results.map(([name, result]) => [name, printed(result)] as const);
        const json = options.policiesDir === undefined ? responses[0]?.[1] : Object.fromEntries(responses);
        process.stdout.write(
          options.output === 'diff'
            ? results.map(([name, result]) => formatDiff(name, result)).join('')
            : `${JSON.stringify(json, null, 2)}\n`,
        );
        process.exitCode = ExitCode.ok;
      },
    );
}
