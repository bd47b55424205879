// Refines the latest version of every AWS managed policy against a seeded
// random 30% unused set of the services it names; prints median/p90/p99/max
// of wall-clock and of this process's CPU time (the machine is shared, so the
// CPU figure is the steadier one), the five slowest policies, the load
// average, and the heap every 100 policies (retained heap when run with
// `node --expose-gc`). Each refinement includes the solver's proof of its
// guarantee.
// `LIMIT=n` refines only the first n policies in name order.
import { loadavg } from 'node:os';
import { loadActionCatalog } from '../src/iam/catalog.js';
import { refinePolicy, type UnusedPermission } from '../src/iam/refine.js';
import { managedPolicyPairs } from './managed-policies.js';
import { seededRandom } from './seeded-random.js';

const LIMIT = Number(process.env.LIMIT ?? Infinity);

const catalog = await loadActionCatalog();
const random = seededRandom(4);
/** The latest document of each policy; the other versions are left to the collector, not carried through the run. */
function latestVersions(): [string, string][] {
  const { versions } = managedPolicyPairs();
  return [...new Map(versions.map((v) => [v.name.slice(0, v.name.lastIndexOf('@')), v.document])).entries()];
}
const latest = latestVersions();

/** The services a policy's Action and NotAction entries name; all of them for a cross-service wildcard. */
function servicesNamed(document: string): string[] {
  const policy = JSON.parse(document) as { Statement: object | object[] };
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]) as {
    Action?: string | string[];
    NotAction?: string | string[];
  }[];
  const patterns = statements.flatMap((s) => [s.Action ?? [], s.NotAction ?? []].flat());
  const services = patterns.map((pattern) => (pattern.split(':')[0] ?? '').toLowerCase());
  return services.some((service) => /[*?]/.test(service))
    ? [...catalog.services.keys()]
    : [...new Set(services)];
}

function unusedFor(document: string): UnusedPermission[] {
  return servicesNamed(document).flatMap((namespace) => {
    const actions = catalog.services.get(namespace)?.actions.filter(() => random() < 0.3) ?? [];
    return actions.length === 0 ? [] : [{ serviceNamespace: namespace, actions }];
  });
}

const inputs = latest
  .map(([name, document]) => ({ name, document, unused: unusedFor(document) }))
  .slice(0, LIMIT);
const megabytes = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;
const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
console.log(`load average at start: ${load()}`);
const timings: number[] = [];
const cpuTimings: number[] = [];
const slowest: { name: string; cpu: number }[] = [];
const heapSamples: number[] = [];
let detached = 0;
const runStart = performance.now();
for (const { name, document, unused } of inputs) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = refinePolicy({ policyDocument: document, unusedPermissions: unused, catalog });
  timings.push(performance.now() - start);
  const cpu = process.cpuUsage(cpuStart);
  cpuTimings.push((cpu.user + cpu.system) / 1000);
  slowest.push({ name, cpu: (cpu.user + cpu.system) / 1000 });
  if (!result.ok) throw new Error(`${name}: ${result.message}`);
  if (result.recommendedAction === 'DETACH_POLICY') detached++;
  if (timings.length % 100 === 0) {
    // Outside the timed part: with --expose-gc the sample is the heap the run retains, not garbage not yet collected.
    (globalThis as { gc?: () => void }).gc?.();
    heapSamples.push(process.memoryUsage().heapUsed);
  }
}
function summary(samples: number[]): string {
  samples.sort((a, b) => a - b);
  const at = (q: number): string =>
    (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0).toFixed(2);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
}
const total = (samples: readonly number[]): string =>
  `${(samples.reduce((sum, sample) => sum + sample, 0) / 1000).toFixed(1)} s`;
console.log(`catalog ${catalog.version}: ${inputs.length} managed policies refined (${detached} to detach)`);
console.log(`per policy, wall clock: ${summary(timings)}; total ${total(timings)}`);
console.log(`per policy, CPU time:   ${summary(cpuTimings)}; total ${total(cpuTimings)}`);
const top = slowest.sort((a, b) => b.cpu - a.cpu).slice(0, 5);
console.log(`slowest (CPU): ${top.map(({ name, cpu }) => `${name} ${cpu.toFixed(0)} ms`).join(', ')}`);
console.log(`heap every 100 policies: ${heapSamples.map(megabytes).join(', ')}`);
console.log(`load average at end: ${load()}; run ${((performance.now() - runStart) / 1000).toFixed(0)} s`);
