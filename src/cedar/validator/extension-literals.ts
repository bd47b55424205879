// Whether a string is a valid argument of an extension constructor
// (`ip`, `decimal`, `datetime`, `duration`), checked at validation time as
// Cedar does for literal arguments.

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

function fitsI64(value: bigint): boolean {
  return value >= I64_MIN && value <= I64_MAX;
}

/** `decimal`: an optional `-`, digits, a dot and one to four digits, within 64 bits once scaled. */
export function isValidDecimal(text: string): boolean {
  const match = /^(-?)([0-9]+)\.([0-9]{1,4})$/.exec(text);
  if (match === null) return false;
  const [, sign = '', whole = '', fraction = ''] = match;
  const scaled = BigInt(whole) * 10000n + BigInt(fraction.padEnd(4, '0'));
  return fitsI64(sign === '-' ? -scaled : scaled);
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 && parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255)
  );
}

function isIpv6(text: string): boolean {
  // An embedded IPv4 tail counts as the last two groups.
  let groups = text;
  const lastColon = groups.lastIndexOf(':');
  const tail = groups.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIpv4(tail)) return false;
    groups = `${groups.slice(0, lastColon + 1)}0:0`;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const hex = /^[0-9a-fA-F]{1,4}$/;
  const split = (half: string): string[] | undefined => {
    if (half === '') return [];
    const parts = half.split(':');
    return parts.every((part) => hex.test(part)) ? parts : undefined;
  };
  const [head = '', rest] = halves;
  const headParts = split(head);
  if (headParts === undefined) return false;
  if (rest === undefined) return headParts.length === 8;
  const restParts = split(rest);
  return restParts !== undefined && headParts.length + restParts.length <= 7;
}

/** `ip`: an IPv4 or IPv6 address, optionally with a `/prefix` no longer than the address. */
export function isValidIpAddr(text: string): boolean {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const prefix = slash === -1 ? undefined : text.slice(slash + 1);
  const v4 = isIpv4(address);
  if (!v4 && !isIpv6(address)) return false;
  if (prefix === undefined) return true;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `datetime`: `YYYY-MM-DD`, optionally `Thh:mm:ss`, optional `.SSS`, then `Z` or `±hhmm`. */
export function isValidDatetime(text: string): boolean {
  const match =
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{3})?(?:Z|[+-]([0-9]{2})([0-9]{2})))?$/.exec(
      text,
    );
  if (match === null) return false;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.map((part) =>
    part === undefined ? undefined : Number(part),
  );
  if (year === undefined || month === undefined || day === undefined) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour !== undefined && (hour > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59)) return false;
  if (offsetHours !== undefined && (offsetHours > 23 || (offsetMinutes ?? 0) > 59)) return false;
  if (hour !== undefined && !/(Z|[+-][0-9]{4})$/.test(text)) return false;
  return true;
}

const DURATION_UNITS: readonly (readonly [string, bigint])[] = [
  ['d', 86_400_000n],
  ['h', 3_600_000n],
  ['m', 60_000n],
  ['s', 1_000n],
  ['ms', 1n],
];

/** `duration`: an optional `-` and at least one of `Nd`, `Nh`, `Nm`, `Ns`, `Nms`, in that order, within 64 bits. */
export function isValidDuration(text: string): boolean {
  const match = /^(-?)(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/.exec(
    text,
  );
  if (match === null) return false;
  const [, sign, ...amounts] = match;
  if (amounts.every((amount) => amount === undefined)) return false;
  let total = 0n;
  for (const [index, amount] of amounts.entries()) {
    if (amount === undefined) continue;
    const unit = DURATION_UNITS[index];
    if (unit === undefined) return false;
    total += BigInt(amount) * unit[1];
  }
  return fitsI64(sign === '-' ? -total : total);
}
