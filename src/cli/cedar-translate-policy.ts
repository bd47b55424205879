// `keyaki cedar translate-policy`: a policy set from the Cedar syntax to the
// JSON policy format and back, in the shape of the official `cedar
// translate-policy` command. Cedar to JSON writes `{"templates": ...,
// "staticPolicies": ..., "templateLinks": []}` keyed by policy id; JSON to
// Cedar writes the static policies, then the templates, one per paragraph.
// Exit 0, or 1 when the input cannot be translated, as the official command.
import type { Command } from 'commander';
import {
  estToJsonText,
  parsePolicies,
  policyFromEst,
  policyText,
  policyToEst,
  type EstObject,
  type Policy,
} from '../cedar/index.js';
import {
  CedarExit,
  cedarAction,
  jsonPathSpan,
  parseJsonInput,
  printCodeFrames,
  readInput,
  type CedarInput,
  type JsonPath,
} from './cedar-io.js';
import { UsageError } from './io.js';

type Direction = 'cedar-to-json' | 'json-to-cedar';

function parseDirection(value: string): Direction {
  if (value === 'cedar-to-json' || value === 'json-to-cedar') return value;
  throw new UsageError(`unknown direction \`${value}\`: expected \`cedar-to-json\` or \`json-to-cedar\``);
}

function toJson(input: CedarInput): string | undefined {
  const parsed = parsePolicies(input.text);
  if (!parsed.ok) {
    printCodeFrames(input, parsed.errors);
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

type JsonPolicies = { policies: Policy[] } | { error: string; at: JsonPath };

/** The policies of a JSON policy set, or the reason it cannot be translated and where in the JSON. */
function policiesFromJson(json: unknown): JsonPolicies {
  if (!isObject(json))
    return {
      error: 'expected a policy set: an object with `staticPolicies`, `templates` and `templateLinks`',
      at: [],
    };
  const unknownKey = Object.keys(json).find(
    (key) => !['staticPolicies', 'templates', 'templateLinks'].includes(key),
  );
  if (unknownKey !== undefined)
    return { error: `unknown field \`${unknownKey}\` in the policy set`, at: [unknownKey] };
  const links = json['templateLinks'] ?? [];
  if (!Array.isArray(links)) return { error: '`templateLinks` must be an array', at: ['templateLinks'] };
  if (links.length > 0)
    return {
      error: 'unable to translate a policy set containing template-linked policies',
      at: ['templateLinks'],
    };
  const policies: Policy[] = [];
  for (const [field, kind] of [
    ['staticPolicies', 'static'],
    ['templates', 'template'],
  ] as const) {
    const entries = json[field] ?? {};
    if (!isObject(entries))
      return { error: `\`${field}\` must be an object from policy ids to policies`, at: [field] };
    for (const [id, value] of Object.entries(entries)) {
      const read = policyFromEst(id, value);
      if (!read.ok) return { error: `policy \`${id}\`: ${read.message}`, at: [field, id] };
      if (read.policy.kind !== kind) {
        return {
          error: `policy \`${id}\`: ${kind === 'static' ? 'a template among the static policies' : 'a static policy among the templates'}`,
          at: [field, id],
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
    .action(
      cedarAction((options: { direction: Direction; policies?: string }) => {
        const input = readInput(options.policies, '--policies');
        if (options.direction === 'cedar-to-json') {
          const json = toJson(input);
          if (json === undefined) return CedarExit.failure;
          process.stdout.write(json);
          return CedarExit.success;
        }
        const json = parseJsonInput(input, '--policies');
        if (!json.ok) return CedarExit.failure;
        const read = policiesFromJson(json.json);
        if ('error' in read) {
          printCodeFrames(input, [{ message: read.error, span: jsonPathSpan(input.text, read.at) }]);
          return CedarExit.failure;
        }
        process.stdout.write(read.policies.map((policy) => `${policyText(policy)}\n`).join('\n'));
        return CedarExit.success;
      }),
    );
}
