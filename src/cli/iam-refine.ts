// `keyaki iam refine`: the policy an unused-access finding recommends, as JSON
// or as a diff a reviewer reads per statement. The batch form pairs
// `NAME.json` with `NAME.unused.json` in one folder.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  loadActionCatalog,
  refinePolicy,
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

function parseUnused(text: string, source: string): UnusedPermission[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`malformed json in \`${source}\`: ${(error as Error).message}`);
  }
  const valid =
    Array.isArray(value) &&
    value.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as UnusedPermission).serviceNamespace === 'string' &&
        ((item as UnusedPermission).actions === undefined ||
          (Array.isArray((item as UnusedPermission).actions) &&
            (item as { actions: unknown[] }).actions.every((a) => typeof a === 'string'))),
    );
  if (!valid)
    throw new UsageError(`\`${source}\`: expected an array of { serviceNamespace, actions? } objects`);
  return value as UnusedPermission[];
}

function refineOne(
  policyText: string,
  policySource: string,
  unused: UnusedPermission[],
  catalog: ActionCatalog,
): RefineResult {
  const result = refinePolicy({ policyDocument: policyText, unusedPermissions: unused, catalog });
  if (!result.ok)
    throw new UsageError(
      `\`${policySource}\`${result.path === '' ? '' : ` at ${result.path}`}: ${result.message}`,
    );
  return result;
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
            results.push([
              pair.name,
              refineOne(policy.text, policy.source, parseUnused(unused.text, unused.source), catalog),
            ]);
          }
        } else {
          if (options.policyDocument === undefined || options.unusedPermissions === undefined)
            throw new UsageError('expected --policy-document and --unused-permissions, or --policies-dir');
          const policy = readDocumentArgument(options.policyDocument, '--policy-document');
          const unused = readDocumentArgument(options.unusedPermissions, '--unused-permissions');
          results.push([
            policy.source,
            refineOne(policy.text, policy.source, parseUnused(unused.text, unused.source), catalog),
          ]);
        }
        const single = options.policiesDir === undefined;
        process.stdout.write(
          options.output === 'diff'
            ? results.map(([name, result]) => formatDiff(name, result)).join('')
            : `${JSON.stringify(single ? results[0]?.[1] : Object.fromEntries(results), null, 2)}\n`,
        );
        process.exitCode = ExitCode.ok;
      },
    );
}
