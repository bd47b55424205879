// The extension types `decimal`, `ipaddr`, `datetime` and `duration`: parsing
// their constructor strings exactly as Cedar does, and their methods.
import {
  DatetimeValue,
  DecimalValue,
  DurationValue,
  EvaluationError,
  I64_MAX,
  I64_MIN,
  IpValue,
  checkedLong,
  typeName,
  type Value,
} from './values.js';

function fitsI64(value: bigint): boolean {
  return value >= I64_MIN && value <= I64_MAX;
}

export function parseDecimal(text: string): DecimalValue | undefined {
  const match = /^(-?)([0-9]+)\.([0-9]{1,4})$/.exec(text);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  const magnitude = BigInt(whole) * 10000n + BigInt(fraction.padEnd(4, '0'));
  const scaled = sign === '-' ? -magnitude : magnitude;
  return fitsI64(scaled) ? new DecimalValue(scaled) : undefined;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let address = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    address = (address << 8n) | BigInt(part);
  }
  return address;
}

function parseHexGroups(half: string): bigint[] | undefined {
  if (half === '') return [];
  const groups: bigint[] = [];
  for (const part of half.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
    groups.push(BigInt(`0x${part}`));
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  // Cedar does not accept IPv4 embedded in IPv6, such as `::ffff:127.0.0.1`.
  if (text.includes('.')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseHexGroups(halves[0] ?? '');
  if (head === undefined) return undefined;
  let groups: bigint[];
  if (halves.length === 1) {
    groups = head;
    if (groups.length !== 8) return undefined;
  } else {
    const rest = parseHexGroups(halves[1] ?? '');
    if (rest === undefined) return undefined;
    const known = head.length + rest.length;
    if (known > 7) return undefined;
    groups = [...head, ...Array<bigint>(8 - known).fill(0n), ...rest];
  }
  return groups.reduce((address, group) => (address << 16n) | group, 0n);
}

export function parseIp(text: string): IpValue | undefined {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  const v4 = parseIpv4(addressText);
  const address = v4 ?? parseIpv6(addressText);
  if (address === undefined) return undefined;
  const width = v4 !== undefined ? 32 : 128;
  if (prefixText === undefined) return new IpValue(v4 !== undefined, address, width);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > width) return undefined;
  return new IpValue(v4 !== undefined, address, Number(prefixText));
}

function ipRange(ip: IpValue): readonly [bigint, bigint] {
  const width = BigInt(ip.isV4 ? 32 : 128);
  const hostBits = width - BigInt(ip.prefix);
  const hostMask = (1n << hostBits) - 1n;
  const network = ip.address & ~hostMask;
  return [network, network | hostMask];
}

/** Whether every address of `inner` lies in `outer`; addresses of different versions never do. */
export function ipIsInRange(inner: IpValue, outer: IpValue): boolean {
  if (inner.isV4 !== outer.isV4) return false;
  const [innerLow, innerHigh] = ipRange(inner);
  const [outerLow, outerHigh] = ipRange(outer);
  return innerLow >= outerLow && innerHigh <= outerHigh;
}

const LOOPBACK_V4 = new IpValue(true, 0x7f000000n, 8);
const LOOPBACK_V6 = new IpValue(false, 1n, 128);
const MULTICAST_V4 = new IpValue(true, 0xe0000000n, 4);
const MULTICAST_V6 = new IpValue(false, 0xffn << 120n, 8);

export function ipIsLoopback(ip: IpValue): boolean {
  return ipIsInRange(ip, ip.isV4 ? LOOPBACK_V4 : LOOPBACK_V6);
}

export function ipIsMulticast(ip: IpValue): boolean {
  return ipIsInRange(ip, ip.isV4 ? MULTICAST_V4 : MULTICAST_V6);
}

const MS_PER_DAY = 86_400_000n;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
function daysFromCivil(year: number, month: number, day: number): number {
  const shifted = month <= 2 ? year - 1 : year;
  const era = Math.floor(shifted / 400);
  const yearOfEra = shifted - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const DATETIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{3}))?(?:(Z)|([+-])([0-9]{2})([0-9]{2})))?$/;

export function parseDatetime(text: string): DatetimeValue | undefined {
  const match = DATETIME.exec(text);
  if (match === null) return undefined;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, msText, zulu, sign, offH, offM] =
    match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = BigInt(daysFromCivil(year, month, day)) * MS_PER_DAY;
  if (hourText === undefined) return new DatetimeValue(ms);
  if (zulu === undefined && sign === undefined) return undefined;
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  ms += BigInt(((hour * 60 + minute) * 60 + second) * 1000 + Number(msText ?? '0'));
  if (sign !== undefined) {
    const offsetHours = Number(offH);
    const offsetMinutes = Number(offM);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = BigInt((offsetHours * 60 + offsetMinutes) * 60_000);
    // `+hhmm` is local time ahead of UTC, so UTC is behind the written time.
    ms = sign === '+' ? ms - offset : ms + offset;
  }
  return fitsI64(ms) ? new DatetimeValue(ms) : undefined;
}

const DURATION = /^(-?)(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;
const DURATION_UNITS: readonly bigint[] = [MS_PER_DAY, 3_600_000n, 60_000n, 1_000n, 1n];

export function parseDuration(text: string): DurationValue | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const [, sign, ...amounts] = match;
  if (amounts.every((amount) => amount === undefined)) return undefined;
  let total = 0n;
  for (const [index, amount] of amounts.entries()) {
    if (amount !== undefined) total += BigInt(amount) * (DURATION_UNITS[index] ?? 1n);
  }
  const ms = sign === '-' ? -total : total;
  return fitsI64(ms) ? new DurationValue(ms) : undefined;
}

/** The extension constructors, keyed by function name, with what Cedar calls the value in errors. */
export const CONSTRUCTORS: ReadonlyMap<string, (text: string) => Value | undefined> = new Map<
  string,
  (text: string) => Value | undefined
>([
  ['decimal', parseDecimal],
  ['ip', parseIp],
  ['datetime', parseDatetime],
  ['duration', parseDuration],
]);

export function datetimeOffset(datetime: DatetimeValue, duration: DurationValue): DatetimeValue {
  return new DatetimeValue(checkedLong(datetime.ms + duration.ms, 'offset datetime'));
}

export function durationSince(datetime: DatetimeValue, other: DatetimeValue): DurationValue {
  return new DurationValue(checkedLong(datetime.ms - other.ms, 'compute duration'));
}

function floorModDay(ms: bigint): bigint {
  const remainder = ms % MS_PER_DAY;
  return remainder < 0n ? remainder + MS_PER_DAY : remainder;
}

export function datetimeToDate(datetime: DatetimeValue): DatetimeValue {
  return new DatetimeValue(checkedLong(datetime.ms - floorModDay(datetime.ms), 'compute date'));
}

export function datetimeToTime(datetime: DatetimeValue): DurationValue {
  return new DurationValue(floorModDay(datetime.ms));
}

const NO_ARGUMENT_METHODS: ReadonlyMap<string, (value: Value) => Value> = new Map<
  string,
  (value: Value) => Value
>([
  ['isIpv4', (value) => expectIp(value).isV4],
  ['isIpv6', (value) => !expectIp(value).isV4],
  ['isLoopback', (value) => ipIsLoopback(expectIp(value))],
  ['isMulticast', (value) => ipIsMulticast(expectIp(value))],
  ['toDate', (value) => datetimeToDate(expectDatetime(value))],
  ['toTime', (value) => datetimeToTime(expectDatetime(value))],
  ['toMilliseconds', (value) => expectDuration(value).ms],
  ['toSeconds', (value) => expectDuration(value).ms / 1_000n],
  ['toMinutes', (value) => expectDuration(value).ms / 60_000n],
  ['toHours', (value) => expectDuration(value).ms / 3_600_000n],
  ['toDays', (value) => expectDuration(value).ms / MS_PER_DAY],
]);

const ONE_ARGUMENT_METHODS: ReadonlyMap<string, (value: Value, argument: Value) => Value> = new Map<
  string,
  (value: Value, argument: Value) => Value
>([
  ['isInRange', (value, argument) => ipIsInRange(expectIp(value), expectIp(argument))],
  ['lessThan', (value, argument) => expectDecimal(value).scaled < expectDecimal(argument).scaled],
  ['lessThanOrEqual', (value, argument) => expectDecimal(value).scaled <= expectDecimal(argument).scaled],
  ['greaterThan', (value, argument) => expectDecimal(value).scaled > expectDecimal(argument).scaled],
  ['greaterThanOrEqual', (value, argument) => expectDecimal(value).scaled >= expectDecimal(argument).scaled],
  ['offset', (value, argument) => datetimeOffset(expectDatetime(value), expectDuration(argument))],
  ['durationSince', (value, argument) => durationSince(expectDatetime(value), expectDatetime(argument))],
]);

function typeError(expected: string, actual: Value): EvaluationError {
  return new EvaluationError(`type error: expected ${expected}, got ${typeName(actual)}`);
}

function expectIp(value: Value): IpValue {
  if (value instanceof IpValue) return value;
  throw typeError('ipaddr', value);
}

function expectDecimal(value: Value): DecimalValue {
  if (value instanceof DecimalValue) return value;
  throw typeError('decimal', value);
}

function expectDatetime(value: Value): DatetimeValue {
  if (value instanceof DatetimeValue) return value;
  throw typeError('datetime', value);
}

function expectDuration(value: Value): DurationValue {
  if (value instanceof DurationValue) return value;
  throw typeError('duration', value);
}

/** Whether `name` is one of Cedar's extension functions or methods. */
export function isExtensionFunction(name: string): boolean {
  return CONSTRUCTORS.has(name) || NO_ARGUMENT_METHODS.has(name) || ONE_ARGUMENT_METHODS.has(name);
}

/** Applies an extension function (a method takes its receiver as the first argument). */
export function callExtension(name: string, args: readonly Value[]): Value {
  const constructor = CONSTRUCTORS.get(name);
  const unary = NO_ARGUMENT_METHODS.get(name);
  const binary = ONE_ARGUMENT_METHODS.get(name);
  const arity = constructor !== undefined || unary !== undefined ? 1 : 2;
  if (args.length !== arity) {
    throw new EvaluationError(
      `wrong number of arguments in extension function application: \`${name}\` expects ${arity}, got ${args.length}`,
    );
  }
  const [first, second] = args as readonly [Value, Value];
  if (constructor !== undefined) {
    if (typeof first !== 'string') throw typeError('string', first);
    const value = constructor(first);
    if (value === undefined && name === 'ip') {
      throw new EvaluationError(
        `error while evaluating \`ipaddr\` extension function: invalid IP address: ${first}`,
      );
    }
    if (value === undefined) {
      throw new EvaluationError(
        `error while evaluating \`${name}\` extension function: invalid value \`${first}\``,
      );
    }
    return value;
  }
  if (unary !== undefined) return unary(first);
  if (binary !== undefined) return binary(first, second);
  throw new EvaluationError(`extension function \`${name}\` does not exist`);
}
