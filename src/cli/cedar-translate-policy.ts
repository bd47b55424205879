// `keyaki cedar translate-policy`: a policy set from the Cedar syntax to the
// JSON policy format and back, in the shape of the official `cedar
// translate-policy` command. Cedar to JSON writes `{"templates": ...,
// "staticPolicies": ..., "templateLinks": []}` keyed by policy id; JSON to
// Cedar writes the static policies, then the templates, one per paragraph.
import type { Command } from 'commander';
import { parse as parseLosslessJson } from 'lossless-json';
import {
  estToJsonText,
  parsePolicies,
  policyFromEst,
  policyText,
  policyToEst,
  type EstObject,
  type Policy,
} from '../cedar/index.js';
import { codeFrame, readInput } from './cedar-translate-schema.js';
import { ExitCode, UsageError } from './io.js';

type Direction = 'cedar-to-json' | 'json-to-cedar';

function parseDirection(value: string): Direction {
  if (value === 'cedar-to-json' || value === 'json-to-cedar') return value;
  throw new UsageError(`unknown direction \`${value}\`: expected \`cedar-to-json\` or \`json-to-cedar\``);
}

function toJson(source: string, text: string): string | undefined {
  const parsed = parsePolicies(text);
  if (!parsed.ok) {
    for (const error of parsed.errors)
      process.stderr.write(codeFrame(source, text, error.message, error.span));
    return undefined;
  }
  const byId = (kind: Policy['kind']): EstObject =>
    Object.fromEntries(
      parsed.policies
        .filter((policy) => policy.kind === kind)
        .map((policy) => [policy.id, policyToEst(policy)]),
    );
  return `${estToJsonText({ templates: byId('template'), staticPolicies: byId('static'), templateLinks: [] })}\n`;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The policies of a JSON policy set, or the reason it cannot be translated. */
function policiesFromJson(text: string): { policies: Policy[] } | { error: string } {
  let json: unknown;
  try {
    json = parseLosslessJson(text);
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}` };
  }
  if (!isObject(json))
    return {
      error: 'expected a policy set: an object with `staticPolicies`, `templates` and `templateLinks`',
    };
  const unknownKey = Object.keys(json).find(
    (key) => !['staticPolicies', 'templates', 'templateLinks'].includes(key),
  );
  if (unknownKey !== undefined) return { error: `unknown field \`${unknownKey}\` in the policy set` };
  const links = json['templateLinks'] ?? [];
  if (!Array.isArray(links)) return { error: '`templateLinks` must be an array' };
  if (links.length > 0)
    return { error: 'unable to translate a policy set containing template-linked policies' };
  const policies: Policy[] = [];
  for (const [field, kind] of [
    ['staticPolicies', 'static'],
    ['templates', 'template'],
  ] as const) {
    const entries = json[field] ?? {};
    if (!isObject(entries)) return { error: `\`${field}\` must be an object from policy ids to policies` };
    for (const [id, value] of Object.entries(entries)) {
      const read = policyFromEst(id, value);
      if (!read.ok) return { error: `policy \`${id}\`: ${read.message}` };
      if (read.policy.kind !== kind) {
        return {
          error: `policy \`${id}\`: ${kind === 'static' ? 'a template among the static policies' : 'a static policy among the templates'}`,
        };
      }
      policies.push(read.policy);
    }
  }
  return { policies };
}

export function registerCedarTranslatePolicy(group: Command): void {
  group
    .command('translate-policy')
    .description('Translate Cedar policies between the Cedar syntax and the JSON policy format')
    .requiredOption('--direction <direction>', 'cedar-to-json or json-to-cedar', parseDirection)
    .option('-p, --policies <file>', 'the policies (default: standard input)')
    .action((options: { direction: Direction; policies?: string }) => {
      const input = readInput(options.policies, '--policies');
      if (options.direction === 'cedar-to-json') {
        const json = toJson(input.source, input.text);
        if (json !== undefined) process.stdout.write(json);
        process.exitCode = json === undefined ? ExitCode.unusableInput : ExitCode.ok;
        return;
      }
      const read = policiesFromJson(input.text);
      if ('error' in read) {
        process.stderr.write(`${input.source}: error: ${read.error}\n`);
        process.exitCode = ExitCode.unusableInput;
        return;
      }
      process.stdout.write(read.policies.map((policy) => `${policyText(policy)}\n`).join('\n'));
      process.exitCode = ExitCode.ok;
    });
}
