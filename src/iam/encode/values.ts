// Tests on one request value (a string as it arrives in the request context),
// and deciding whether one value can pass some tests and fail others.
// Numbers, dates and IP addresses are decided by representatives: every
// comparison against constants splits the line into finitely many intervals,
// and one value per interval (plus one that does not parse) covers them all.
import { globKey, matchesGlob, solveGlobs, unreachable, type Glob } from './glob.js';

export type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

export type ValueTest =
  | { readonly kind: 'glob'; readonly glob: Glob }
  | { readonly kind: 'number'; readonly comparison: Comparison; readonly bound: number }
  /** Dates as milliseconds since the epoch. */
  | { readonly kind: 'date'; readonly comparison: Comparison; readonly bound: number }
  /** An inclusive address range from a CIDR block; IPv4 and IPv6 never compare. */
  | { readonly kind: 'ip'; readonly family: 4 | 6; readonly low: bigint; readonly high: bigint };

export function testKey(test: ValueTest): string {
  switch (test.kind) {
    case 'glob':
      return `g:${globKey(test.glob)}`;
    case 'number':
    case 'date':
      return `${test.kind}:${test.comparison}:${test.bound}`;
    case 'ip':
      return `ip${test.family}:${test.low}-${test.high}`;
    default:
      return unreachable(test);
  }
}

export function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim())) return undefined;
  return Number(text);
}

/** ISO 8601 dates and times, or seconds since the epoch as AWS accepts them. */
export function parseDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export function parseIp(text: string): IpAddress | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((octet) => octet > 255)) return undefined;
    return { family: 4, value: octets.reduce((sum, octet) => sum * 256n + BigInt(octet), 0n) };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): string[] =>
    half === undefined || half === '' ? [] : half.split(':');
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (all.some((group) => group.length === 0 || group.length > 4)) return undefined;
  return { family: 6, value: all.reduce((sum, group) => sum * 65536n + BigInt(parseInt(group, 16)), 0n) };
}

export function formatIp(address: IpAddress): string {
  if (address.family === 4) {
    const octets: string[] = [];
    for (let shift = 24n; shift >= 0n; shift -= 8n) octets.push(String((address.value >> shift) & 255n));
    return octets.join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n)
    groups.push(((address.value >> shift) & 65535n).toString(16));
  return groups.join(':');
}

/** `10.0.0.0/8` → the inclusive range it covers; a bare address is a /32 or /128. */
export function parseCidr(text: string): ValueTest | undefined {
  const [addressText, prefixText] = text.split('/');
  const address = parseIp(addressText ?? '');
  if (address === undefined) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const low = (address.value >> hostBits) << hostBits;
  return { kind: 'ip', family: address.family, low, high: low + (1n << hostBits) - 1n };
}

function compare(comparison: Comparison, value: number, bound: number): boolean {
  switch (comparison) {
    case 'eq':
      return value === bound;
    case 'lt':
      return value < bound;
    case 'le':
      return value <= bound;
    case 'gt':
      return value > bound;
    case 'ge':
      return value >= bound;
    default:
      return unreachable(comparison);
  }
}

/** A value that does not parse as the test's type fails it. */
export function passesTest(test: ValueTest, value: string): boolean {
  switch (test.kind) {
    case 'glob':
      return matchesGlob(test.glob, value);
    case 'number': {
      const number = parseNumber(value);
      return number !== undefined && compare(test.comparison, number, test.bound);
    }
    case 'date': {
      const date = parseDate(value);
      return date !== undefined && compare(test.comparison, date, test.bound);
    }
    case 'ip': {
      const address = parseIp(value);
      return (
        address !== undefined &&
        address.family === test.family &&
        address.value >= test.low &&
        address.value <= test.high
      );
    }
    default:
      return unreachable(test);
  }
}

function numberRepresentatives(bounds: readonly number[]): number[] {
  const sorted = [...new Set(bounds)].sort((a, b) => a - b);
  const result: number[] = [];
  sorted.forEach((bound, index) => {
    result.push(bound);
    const next = sorted[index + 1];
    if (next !== undefined) result.push((bound + next) / 2);
  });
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first !== undefined) result.push(first - 1);
  if (last !== undefined) result.push(last + 1);
  return result;
}

function representatives(tests: readonly ValueTest[]): string[] {
  const numbers = tests.flatMap((test) => (test.kind === 'number' ? [test.bound] : []));
  const dates = tests.flatMap((test) => (test.kind === 'date' ? [test.bound] : []));
  const result = numberRepresentatives(numbers).map(String);
  for (const date of numberRepresentatives(dates)) result.push(new Date(Math.round(date)).toISOString());
  for (const test of tests) {
    if (test.kind !== 'ip') continue;
    const limit = test.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
    for (const value of [test.low - 1n, test.low, test.high, test.high + 1n]) {
      if (value >= 0n && value <= limit) result.push(formatIp({ family: test.family, value }));
    }
  }
  return result;
}

export type ValueSolution =
  | { readonly kind: 'sat'; readonly witness: string }
  | { readonly kind: 'unsat' }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * Is there one value that passes some test of every group in `required` and
 * no test in `forbidden`?
 */
export function solveValue(
  required: readonly (readonly ValueTest[])[],
  forbidden: readonly ValueTest[],
): ValueSolution {
  const passes = (value: string): boolean =>
    required.every((group) => group.some((test) => passesTest(test, value))) &&
    !forbidden.some((test) => passesTest(test, value));
  const all = [...required.flat(), ...forbidden];
  const globsOnly = all.every((test) => test.kind === 'glob');
  const globGroups = required.map((group) =>
    group.flatMap((test) => (test.kind === 'glob' ? [test.glob] : [])),
  );
  const forbiddenGlobs = forbidden.flatMap((test) => (test.kind === 'glob' ? [test.glob] : []));
  if (globsOnly) return solveGlobs(globGroups, forbiddenGlobs);
  // A group of plain literals pins the value to one of them: trying each is exact.
  const pinned = required.find((group) =>
    group.every(
      (test) =>
        test.kind === 'glob' &&
        !test.glob.ignoreCase &&
        test.glob.tokens.every((token) => token.kind === 'char'),
    ),
  );
  if (pinned !== undefined) {
    const literals = pinned.map((test) =>
      test.kind === 'glob'
        ? test.glob.tokens.map((token) => (token.kind === 'char' ? token.char : '')).join('')
        : '',
    );
    const literal = literals.find(passes);
    return literal === undefined ? { kind: 'unsat' } : { kind: 'sat', witness: literal };
  }
  // Groups that hold typed tests may be met by them: only pure-glob groups constrain the string search.
  const strings = solveGlobs(
    globGroups.filter((_, index) => required[index]?.every((test) => test.kind === 'glob')),
    forbiddenGlobs,
  );
  const candidates =
    strings.kind === 'sat' ? [strings.witness, ...representatives(all)] : representatives(all);
  const witness = candidates.find(passes);
  if (witness !== undefined) return { kind: 'sat', witness };
  if (strings.kind === 'unsat') return strings;
  // Typed tests alone: the representatives cover every interval, so none passing is a proof.
  if (all.every((test) => test.kind !== 'glob')) return { kind: 'unsat' };
  return { kind: 'unknown', reason: 'string and typed comparisons on the same value' };
}
