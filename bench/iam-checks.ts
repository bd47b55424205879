// CheckNoNewAccess over the AWS managed policy corpus: every consecutive pair
// of versions of every policy (old → new), and every version against itself
// (which must PASS). Prints verdict counts, per-check latency (wall clock and
// CPU time of this process, which other load on the machine disturbs less)
// and, on a sample of the same queries, the fast engine against Z3.
//   npm run bench:checks                 the whole corpus, Z3 (5 s limit) on every 50th pair
//   npm run bench:checks -- 500          the first 500 policies
//   Z3_EVERY=5 npm run bench:checks      Z3 on every 5th pair
import { performance } from 'node:perf_hooks';
import { checkNoNewAccess, noNewAccessFormulas, type CheckResultValue } from '../src/iam/checks.js';
import { loadActionCatalog } from '../src/iam/index.js';
import { solve, solveWithZ3 } from '../src/logic/index.js';
import { managedPolicyPairs, type PolicyVersionPair } from './managed-policies.js';

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

const limit = process.argv[2] === undefined ? Infinity : Number(process.argv[2]);
const z3Every = Number(process.env.Z3_EVERY ?? 50);
const z3TimeoutMs = Number(process.env.Z3_TIMEOUT_MS ?? 5_000);
const { pairs, versions } = managedPolicyPairs(limit);
type Tally = Record<CheckResultValue | 'ERROR', number>;
const counts: Tally = { PASS: 0, FAIL: 0, UNKNOWN: 0, ERROR: 0 };
const selfCounts: Tally = { PASS: 0, FAIL: 0, UNKNOWN: 0, ERROR: 0 };
const wall: number[] = [];
const cpu: number[] = [];
const pairCpu: number[] = [];
const pairWall: number[] = [];
const slowest: { name: string; ms: number; cpuMs: number }[] = [];
const unknowns: string[] = [];
const internalErrors: string[] = [];
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
// The action catalog (for readable counterexamples) loads once per process, like the modules: not a check's cost.
await loadActionCatalog();
const started = performance.now();
const selfPairs: PolicyVersionPair[] = versions.map((version) => ({
  name: version.name,
  existing: version.document,
  updated: version.document,
}));
for (const [label, list, tally] of [
  ['pairs', pairs, counts],
  ['self', selfPairs, selfCounts],
] as const) {
  for (const pair of list) {
    const start = performance.now();
    const startCpu = cpuMs();
    // The verdict with its reasons and replayed counterexample; the optional
    // entry-by-entry summary of a FAIL is left out of the timing.
    // An internal error (a counterexample the evaluator does not confirm) is counted and shown, not fatal here.
    const outcome = await checkNoNewAccess(
      {
        existingPolicyDocument: pair.existing,
        newPolicyDocument: pair.updated,
        policyType: 'IDENTITY_POLICY',
      },
      { summarize: false },
    ).catch((error: unknown) => {
      const message = error instanceof Error ? error.message.slice(0, 400) : String(error);
      internalErrors.push(`${label} ${pair.name}: ${message}`);
      return undefined;
    });
    if (outcome === undefined) continue;
    const spent = cpuMs() - startCpu;
    cpu.push(spent);
    if (label === 'pairs') pairCpu.push(spent);
    const ms = performance.now() - start;
    wall.push(ms);
    if (label === 'pairs') pairWall.push(ms);
    slowest.push({ name: `${label} ${pair.name}`, ms, cpuMs: spent });
    const result = outcome.ok ? outcome.response.result : 'ERROR';
    tally[result]++;
    if (result === 'UNKNOWN') unknowns.push(`${label} ${pair.name}`);
  }
}
const total = performance.now() - started;

// The identical queries (the formulas a check decides first, part by part) on both engines.
const fastTimes: number[] = [];
const z3Times: number[] = [];
let disagreements = 0;
let z3Unknown = 0;
for (const [index, pair] of pairs.entries()) {
  if (index % z3Every !== 0) continue;
  for (const formula of noNewAccessFormulas(pair.existing, pair.updated)?.parts ?? []) {
    const fastStart = cpuMs();
    const fast = solve(formula);
    fastTimes.push(cpuMs() - fastStart);
    const z3Start = cpuMs();
    const slow = await solveWithZ3(formula, { timeoutMs: z3TimeoutMs });
    z3Times.push(cpuMs() - z3Start);
    if (slow.status === 'unknown') z3Unknown++;
    else if (fast.status !== 'unknown' && fast.status !== slow.status) {
      disagreements++;
      console.log(`disagreement on ${pair.name}: fast ${fast.status}, z3 ${slow.status}`);
    }
  }
}

const cpuTotal = cpu.reduce((sum, ms) => sum + ms, 0);
for (const list of [wall, cpu, pairWall, pairCpu, fastTimes, z3Times]) list.sort((a, b) => a - b);
// By CPU time: wall time on a shared machine says more about the other load than about the check.
slowest.sort((a, b) => b.cpuMs - a.cpuMs);
const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;
const line = (tally: Tally): string =>
  `PASS ${tally.PASS}  FAIL ${tally.FAIL}  UNKNOWN ${tally.UNKNOWN}  unparsable ${tally.ERROR}`;
const stats = (sorted: readonly number[]): string =>
  `median ${fmt(percentile(sorted, 0.5))}  p90 ${fmt(percentile(sorted, 0.9))}  p99 ${fmt(percentile(sorted, 0.99))}  max ${fmt(sorted[sorted.length - 1] ?? 0)}`;
console.log(`policies: ${limit === Infinity ? 'all' : limit}`);
console.log(`consecutive version pairs: ${pairs.length}  ${line(counts)}`);
console.log(`each version against itself: ${versions.length}  ${line(selfCounts)}`);
console.log(`checks: ${wall.length}  wall ${stats(wall)}  total ${(total / 1000).toFixed(1)} s`);
console.log(`checks: ${cpu.length}  cpu  ${stats(cpu)}  total ${(cpuTotal / 1000).toFixed(1)} s`);
console.log(`pairs only: ${pairWall.length}  wall ${stats(pairWall)}`);
console.log(`pairs only: ${pairCpu.length}  cpu  ${stats(pairCpu)}`);
console.log(
  `slowest (cpu, wall): ${slowest
    .slice(0, 8)
    .map((entry) => `${entry.name} ${fmt(entry.cpuMs)} (${fmt(entry.ms)})`)
    .join(', ')}`,
);
if (unknowns.length > 0) console.log(`UNKNOWN: ${unknowns.slice(0, 20).join(', ')}`);
console.log(`internal errors: ${internalErrors.length}`);
for (const message of internalErrors.slice(0, 5)) console.log(`  ${message}`);
console.log(
  `identical queries, every ${z3Every}th pair (${fastTimes.length}): fast ${stats(fastTimes)}; z3 ${stats(z3Times)}; z3 unknown ${z3Unknown}; disagreements ${disagreements}`,
);
console.log(
  `median ratio Z3 / fast: ${(percentile(z3Times, 0.5) / Math.max(percentile(fastTimes, 0.5), 1e-3)).toFixed(0)}x`,
);
