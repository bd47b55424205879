// The fast engine against Z3 on generated IAM-shaped queries: two policies
// with a few statements each (action and resource globs, ARN segments that
// a wildcard may not cross, numeric, date, ip, Boolean and multi-valued
// conditions) and the question "does the new one allow anything the old
// one does not": Allowed_new ∧ ¬Allowed_old.
import os from 'node:os';
import {
  all,
  and,
  any,
  compare,
  glob,
  inCidr,
  matches,
  not,
  or,
  solve,
  solveWithZ3,
  variable,
  boolAtom,
  type Formula,
} from '../src/logic/index.js';
import { seededRandom } from './seeded-random.js';

const CASES = Number(process.env.CASES ?? 200);

const action = variable('action', 'string');
const resource = variable('resource', 'string');
const account = variable('account', 'string');
const epoch = variable('aws:CurrentTime', 'number');
const sourceIp = variable('aws:SourceIp', 'ip');
const mfa = variable('aws:MultiFactorAuthPresent', 'bool');
const tagKeys = variable('aws:TagKeys', 'set<string>');

const SERVICES = ['s3', 'ec2', 'iam', 'sqs', 'dynamodb'];
const VERBS = ['Get*', 'Put*', 'List*', 'Describe*', 'Delete*', '*', 'GetObject', 'PutObject'];
const NOT_COLON: [number, number][] = [
  [0, 57],
  [59, 0x10ffff],
];

function statement(next: () => number): Formula {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const service = pick(SERVICES);
  const conditions: Formula[] = [
    matches(action, glob(`${service}:${pick(VERBS)}`, { caseInsensitive: true })),
    matches(
      resource,
      glob(
        `arn:aws:${service}:*:${pick(['*', '123456789012', '210987654321'])}:${pick(['*', 'bucket/*', 'table/t*', 'queue-?'])}`,
        { wildcardChars: NOT_COLON },
      ),
    ),
  ];
  if (next() < 0.3) conditions.push(matches(account, glob(pick(['1234*', '123456789012', '2*']))));
  if (next() < 0.3)
    conditions.push(
      compare(epoch, pick(['<', '>=', '<=', '>'] as const), 1.7e12 + Math.floor(next() * 1e10)),
    );
  if (next() < 0.3) {
    conditions.push(
      inCidr(
        sourceIp,
        { family: 'v4', address: BigInt(Math.floor(next() * 2 ** 32)) },
        pick([8, 16, 24, 32]),
      ),
    );
  }
  if (next() < 0.2) conditions.push(boolAtom(mfa));
  if (next() < 0.2)
    conditions.push(any(tagKeys, (key) => matches(key, glob(pick(['env', 'team*', 'cost-?'])))));
  if (next() < 0.2) conditions.push(all(tagKeys, (key) => matches(key, glob(pick(['env', 'team*', '*'])))));
  return and(...conditions);
}

function policy(next: () => number, statements: number): Formula {
  const allows = Array.from({ length: statements }, () => statement(next));
  const denies = Array.from({ length: Math.floor(next() * 2) }, () => statement(next));
  return and(or(...allows), ...denies.map(not));
}

export function query(seed: number): Formula {
  const next = seededRandom(seed);
  const old = policy(next, 2 + Math.floor(next() * 5));
  const widened = next() < 0.5 ? or(old, statement(next)) : old;
  return and(widened, not(old));
}

/** CPU time of this process (Z3's WebAssembly included): steadier than wall clock on shared cores. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const fastTimes: number[] = [];
  const z3Times: number[] = [];
  let agree = 0;
  let disagree = 0;
  const verdicts = { sat: 0, unsat: 0, unknown: 0 };
  for (let seed = 1; seed <= CASES; seed++) {
    const formula = query(seed);
    // No warm-up per query: automata and theory results cached by earlier
    // queries are reused, as they would be over one policy corpus.
    const fastStart = process.cpuUsage();
    const fast = solve(formula);
    fastTimes.push(cpuMsSince(fastStart));
    const z3Start = process.cpuUsage();
    const slow = await solveWithZ3(formula);
    z3Times.push(cpuMsSince(z3Start));
    verdicts[fast.status]++;
    if (fast.status !== 'unknown' && slow.status !== 'unknown') {
      if (fast.status === slow.status) agree++;
      else disagree++;
    }
  }
  fastTimes.sort((a, b) => a - b);
  z3Times.sort((a, b) => a - b);
  const row = (name: string, times: readonly number[]): string =>
    `| ${name} | ${percentile(times, 0.5).toFixed(3)} | ${percentile(times, 0.99).toFixed(3)} |`;
  console.log(
    `${CASES} queries; fast engine verdicts ${JSON.stringify(verdicts)}; agree ${agree}, disagree ${disagree}`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  console.log('| engine | median ms CPU | p99 ms CPU |\n| --- | ---: | ---: |');
  console.log(row('fast engine', fastTimes));
  console.log(row('Z3 (z3-solver wasm)', z3Times));
  console.log(
    `median ratio Z3 / fast: ${(percentile(z3Times, 0.5) / percentile(fastTimes, 0.5)).toFixed(1)}x`,
  );
  process.exit(0);
}

if (process.env.BENCH_IMPORT === undefined) await main();
