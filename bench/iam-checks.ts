// CheckNoNewAccess over the AWS managed policy corpus: every consecutive pair
// of versions of every policy (old → new), and every version against itself
// (which must PASS). Prints verdict counts and per-check latency.
//   npm run bench:checks            the whole corpus
//   npm run bench:checks -- 500     the first 500 policies
import { performance } from 'node:perf_hooks';
import { checkNoNewAccess, type CheckResultValue } from '../src/iam/checks.js';
import { managedPolicyPairs } from './managed-policies.js';

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

const limit = process.argv[2] === undefined ? Infinity : Number(process.argv[2]);
const { pairs, versions } = managedPolicyPairs(limit);
const counts: Record<CheckResultValue | 'ERROR', number> = { PASS: 0, FAIL: 0, UNKNOWN: 0, ERROR: 0 };
const selfCounts: Record<CheckResultValue | 'ERROR', number> = { PASS: 0, FAIL: 0, UNKNOWN: 0, ERROR: 0 };
const times: number[] = [];
const slowest: { name: string; ms: number }[] = [];
const failures: string[] = [];
const started = performance.now();
for (const [label, list, tally] of [
  ['pairs', pairs, counts],
  [
    'self',
    versions.map((version) => ({ ...version, existing: version.document, updated: version.document })),
    selfCounts,
  ],
] as const) {
  for (const pair of list) {
    const start = performance.now();
    // The verdict with its reasons and confirmed counterexample; the optional
    // entry-by-entry summary of a FAIL is left out of the timing.
    const outcome = await checkNoNewAccess(
      {
        existingPolicyDocument: pair.existing,
        newPolicyDocument: pair.updated,
        policyType: 'IDENTITY_POLICY',
      },
      { summarize: false },
    );
    const ms = performance.now() - start;
    times.push(ms);
    slowest.push({ name: `${label} ${pair.name}`, ms });
    tally[outcome.ok ? outcome.response.result : 'ERROR']++;
    if (outcome.ok && outcome.response.result === 'FAIL' && failures.length < 400) failures.push(pair.name);
  }
}
const total = performance.now() - started;
times.sort((a, b) => a - b);
slowest.sort((a, b) => b.ms - a.ms);
const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;
console.log(
  `consecutive version pairs: ${pairs.length}  PASS ${counts.PASS}  FAIL ${counts.FAIL}  UNKNOWN ${counts.UNKNOWN}  unparsable ${counts.ERROR}`,
);
console.log(
  `each version against itself: ${versions.length}  PASS ${selfCounts.PASS}  FAIL ${selfCounts.FAIL}  UNKNOWN ${selfCounts.UNKNOWN}  unparsable ${selfCounts.ERROR}`,
);
console.log(
  `checks: ${times.length}  median ${fmt(percentile(times, 0.5))}  p90 ${fmt(percentile(times, 0.9))}  p99 ${fmt(percentile(times, 0.99))}  max ${fmt(times[times.length - 1] ?? 0)}  total ${(total / 1000).toFixed(1)} s`,
);
console.log(
  `slowest: ${slowest
    .slice(0, 5)
    .map((entry) => `${entry.name} ${fmt(entry.ms)}`)
    .join(', ')}`,
);
