import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../src/cedar/compat.js';

/** How an expression comes out when it is the only condition of a permit: true, false, or an error. */
function outcome(answer: ReturnType<typeof wasm.isAuthorized> | ReturnType<typeof isAuthorized>): string {
  if (answer.type === 'failure') return 'refused';
  if (answer.response.diagnostics.errors.length > 0) return 'error';
  return answer.response.decision === 'allow' ? 'true' : 'false';
}

function evaluateBoth(expression: string): { ours: string; oracle: string } {
  const call = {
    principal: { type: 'User', id: 'a' },
    action: { type: 'Action', id: 'view' },
    resource: { type: 'User', id: 'a' },
    context: {},
    policies: { staticPolicies: `permit(principal, action, resource) when { ${expression} };` },
    entities: [],
  };
  return { ours: outcome(isAuthorized(call)), oracle: outcome(wasm.isAuthorized(call)) };
}

/** Both engines agree on every expression, and the expressions do not all come out the same. */
function expectAgreement(expressions: readonly string[]): void {
  const results = expressions.map((expression) => ({ expression, ...evaluateBoth(expression) }));
  expect(results.filter((result) => result.ours !== result.oracle)).toEqual([]);
  expect(new Set(results.map((result) => result.oracle)).size).toBeGreaterThan(1);
}

const DECIMALS = [
  '0.0',
  '1.2345',
  '-1.5',
  '1.23456',
  '1',
  '.5',
  '1.',
  '922337203685477.5807',
  '922337203685477.5808',
  '-922337203685477.5808',
  '+1.0',
  '01.10',
];
const IPS = [
  '1.2.3.4',
  '01.2.3.4',
  '1.2.3.256',
  '1.2.3.4/32',
  '1.2.3.4/33',
  '1.2.3.4/08',
  '::',
  '::1',
  '1::',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1::2::3',
  '::ffff:1.2.3.4',
  'fe80::1/64',
  'FE80::1',
  '::/0',
  '1.2.3.4 ',
  '',
];
const DATETIMES = [
  '2024-02-29',
  '2023-02-29',
  '2024-13-01',
  '2024-01-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T23:59:60Z',
  '2024-01-01T10:00:00.123Z',
  '2024-01-01T10:00:00.12Z',
  '2024-01-01T10:00:00+0130',
  '2024-01-01T10:00:00-2359',
  '2024-01-01T10:00:00+2400',
  '2024-01-01T10:00:00',
  '0000-01-01',
  '9999-12-31T23:59:59.999-2359',
  '1970-01-01T00:00:00.000+0000',
  '24-01-01',
];
const DURATIONS = [
  '1d',
  '1d2h3m4s5ms',
  '-1ms',
  '1h1d',
  '1m',
  '1ms',
  '1s1ms',
  '',
  '-',
  '1',
  '1.5h',
  '9223372036854775807ms',
  '9223372036854775808ms',
  '106751991167d',
  '106751992d',
  '--1d',
];

describe('extension constructors parse exactly the strings Cedar does', () => {
  it('decimal', () => expectAgreement(DECIMALS.map((text) => `decimal("${text}") == decimal("${text}")`)));
  it('ip', () => expectAgreement(IPS.map((text) => `ip("${text}") == ip("${text}")`)));
  it('datetime', () =>
    expectAgreement(DATETIMES.map((text) => `datetime("${text}") == datetime("${text}")`)));
  it('duration', () =>
    expectAgreement(DURATIONS.map((text) => `duration("${text}") == duration("${text}")`)));
});

describe('extension methods compute what Cedar computes', () => {
  it('decimal comparisons', () => {
    const valid = ['0.0', '1.2345', '-1.5', '1.2'];
    expectAgreement(
      valid.flatMap((a) =>
        valid.flatMap((b) =>
          ['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'].map(
            (method) => `decimal("${a}").${method}(decimal("${b}"))`,
          ),
        ),
      ),
    );
  });

  it('ipaddr predicates and ranges, with the prefix as written', () => {
    const valid = [
      '1.2.3.4',
      '127.0.0.1',
      '127.0.0.1/4',
      '127.1.2.3/8',
      '224.0.0.1',
      '10.0.0.0/8',
      '10.1.0.0/16',
      '::1',
      '::1/127',
      'ff02::1',
      'ff00::/7',
      '::/0',
      '0.0.0.0/0',
    ];
    expectAgreement([
      ...valid.flatMap((a) =>
        ['isIpv4', 'isIpv6', 'isLoopback', 'isMulticast'].map((method) => `ip("${a}").${method}()`),
      ),
      ...valid.flatMap((a) => valid.map((b) => `ip("${a}").isInRange(ip("${b}"))`)),
      'ip("10.0.0.1/24") == ip("10.0.0.2/24")',
      'ip("10.0.0.1") == ip("10.0.0.1/32")',
      'ip("::1") == ip("0:0:0:0:0:0:0:1")',
    ]);
  });

  it('datetime and duration arithmetic, conversions and comparisons', () => {
    const datetimes = [
      '1969-12-31T23:59:59.999Z',
      '2024-02-29T12:34:56.789+0100',
      '1970-01-01',
      '9999-12-31T23:59:59.999Z',
      '0000-01-01',
    ];
    const durations = ['1d', '-1ms', '-25h', '106751991167d', '0ms'];
    expectAgreement([
      ...datetimes.flatMap((a) =>
        durations.flatMap((d) => [
          `datetime("${a}").offset(duration("${d}")) > datetime("1970-01-01")`,
          `datetime("${a}").toDate() <= datetime("${a}")`,
          `datetime("${a}").toTime() == duration("${d}")`,
          `datetime("${a}").durationSince(datetime("${datetimes[0] ?? ''}")) < duration("${d}")`,
        ]),
      ),
      ...durations.flatMap((d) =>
        ['toMilliseconds', 'toSeconds', 'toMinutes', 'toHours', 'toDays'].map(
          (method) => `duration("${d}").${method}() >= -1`,
        ),
      ),
      'datetime("2024-01-01T01:00:00+0100") == datetime("2024-01-01")',
      'datetime("1969-12-31T12:00:00Z").toDate() == datetime("1969-12-31")',
      'datetime("1969-12-31T12:00:00Z").toTime() == duration("12h")',
      'duration("-90s").toMinutes() == -1',
      'duration("1h") < datetime("1970-01-01")',
      'decimal("1.0") < decimal("2.0")',
      'datetime("2024-01-01") < 3',
    ]);
  });

  it('errors for wrong argument types and counts', () => {
    expectAgreement([
      'ip("1.2.3.4").isInRange(decimal("1.0"))',
      'decimal("1.0").lessThan(1)',
      'ip(1)',
      'decimal("1.0", "2.0")',
      'duration("1h").offset(duration("1h"))',
      'ip("1.2.3.4").isIpv4()',
    ]);
  });
});
