// Reading condition values as the typed operators see them: numbers, dates,
// IP addresses and ranges, base64 bytes. Written for this evaluator alone so
// that it checks the encoding rather than sharing its mistakes.

/** Decimal numbers as AWS writes them: optional sign, digits, optional fraction. */
export function readNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  return Number(text);
}

const isoDate =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A date as milliseconds since the epoch: ISO 8601 (date, date-time with
 * optional seconds, fraction and offset; no offset means UTC, as AWS writes
 * times in UTC) or whole seconds since the epoch, as aws:EpochTime carries it.
 */
export function readDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match = isoDate.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', zone] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const milliseconds = Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, milliseconds);
  return utc - offsetMinutes(zone) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return zone.startsWith('-') ? -minutes : minutes;
}

export interface IpValue {
  readonly family: 4 | 6;
  readonly value: bigint;
}

function readIpv4(text: string): IpValue | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || octets.some((octet) => !/^\d{1,3}$/.test(octet) || Number(octet) > 255)) {
    return undefined;
  }
  return { family: 4, value: octets.reduce((sum, octet) => (sum << 8n) + BigInt(octet), 0n) };
}

function readIpv6(text: string): IpValue | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = groupsOf(halves[1] ?? '');
  // An embedded IPv4 tail (::ffff:10.0.0.1) stands for two groups.
  const last = tail.length > 0 ? tail : head;
  const lastGroup = last[last.length - 1];
  if (lastGroup?.includes('.')) {
    const v4 = readIpv4(lastGroup);
    if (v4 === undefined) return undefined;
    last.splice(
      last.length - 1,
      1,
      ((v4.value >> 16n) & 0xffffn).toString(16),
      (v4.value & 0xffffn).toString(16),
    );
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (groups.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return { family: 6, value: groups.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n) };
}

export function readIp(text: string): IpValue | undefined {
  return readIpv4(text) ?? readIpv6(text);
}

export interface IpRange {
  readonly family: 4 | 6;
  readonly low: bigint;
  readonly high: bigint;
}

/** A CIDR block (`10.0.0.0/8`, `2001:db8::/32`); a bare address is the block of that one address. */
export function readCidr(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const address = readIp(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  const hostBits = BigInt(bits - Number(prefixText));
  const low = (address.value >> hostBits) << hostBits;
  return { family: address.family, low, high: low + (1n << hostBits) - 1n };
}

export function inRange(range: IpRange, address: IpValue): boolean {
  return range.family === address.family && address.value >= range.low && address.value <= range.high;
}

/** The bytes of a base64 text, one character per byte; undefined when it is not base64. */
export function readBase64(text: string): string | undefined {
  const unpadded = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(unpadded) || text.length - unpadded.length > 2 || unpadded.length % 4 === 1) {
    return undefined;
  }
  // atob rather than Buffer: src/iam also runs in the browser playground.
  return atob(unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4));
}
