// Policy condition values read as the typed operators read them, and request
// values written back as text: numbers, dates (milliseconds since the epoch)
// and IP addresses or CIDR blocks. A policy value that does not read as its
// operator's type matches no request value.
import { charClass, concat, literal, union, type IpAddress, type Regex } from '../../logic/index.js';

/** Decimal numbers as AWS writes them: optional sign, digits, optional fraction. */
export function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const isoDate =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO 8601 (no offset means UTC, as AWS writes times) or whole seconds since the epoch, in milliseconds. */
export function parseDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match = isoDate.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', zone] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, Math.floor(Number(`0.${fraction}`) * 1000));
  return utc - zoneMinutes(zone) * 60_000;
}

function zoneMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return zone.startsWith('-') ? -minutes : minutes;
}

/** A date model value as request text: ISO 8601 when it is a whole millisecond AWS can write. */
export function formatDate(milliseconds: number): string {
  const date = new Date(milliseconds);
  if (Number.isInteger(milliseconds) && !Number.isNaN(date.getTime()) && milliseconds >= 0) {
    return date.toISOString();
  }
  return String(milliseconds / 1000);
}

export function parseIp(text: string): IpAddress | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((octet) => octet > 255)) return undefined;
    return { family: 'v4', address: octets.reduce((sum, octet) => sum * 256n + BigInt(octet), 0n) };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): string[] =>
    half === undefined || half === '' ? [] : half.split(':');
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  // An embedded IPv4 tail (`::ffff:10.0.0.1`) stands for the last two groups, as the evaluator reads it.
  const last = tail.length > 0 ? tail : head;
  const embedded = last[last.length - 1];
  if (embedded?.includes('.') === true) {
    const v4 = parseIp(embedded);
    if (v4?.family !== 'v4') return undefined;
    last.splice(last.length - 1, 1, (v4.address >> 16n).toString(16), (v4.address & 0xffffn).toString(16));
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (all.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return {
    family: 'v6',
    address: all.reduce((sum, group) => sum * 65536n + BigInt(parseInt(group, 16)), 0n),
  };
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 'v4') {
    const octets: string[] = [];
    for (let shift = 24n; shift >= 0n; shift -= 8n) octets.push(String((ip.address >> shift) & 255n));
    return octets.join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n)
    groups.push(((ip.address >> shift) & 65535n).toString(16));
  return groups.join(':');
}

export interface Cidr {
  readonly address: IpAddress;
  readonly prefixLength: number;
}

/** `10.0.0.0/8`; a bare address is a /32 or /128. */
export function parseCidr(text: string): Cidr | undefined {
  const [addressText, prefixText, ...rest] = text.split('/');
  if (rest.length > 0) return undefined;
  const address = parseIp(addressText ?? '');
  if (address === undefined) return undefined;
  const bits = address.family === 'v4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefixLength = prefixText === undefined ? bits : Number(prefixText);
  return prefixLength > bits ? undefined : { address, prefixLength };
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Every text that decodes to the same bytes as the BinaryEquals value
 * `text`, or undefined when `text` is not base64 (it then equals only
 * itself). Decoding ignores the padding (none, `=` or `==` after any
 * length) and the bits of a short last group's final character that carry
 * no byte, so `QQ==`, `QQ`, `QR=` and `QQ=` are all the byte "A".
 */
export function base64Spellings(text: string): Regex | undefined {
  const unpadded = text.replace(/=+$/, '');
  const tail = unpadded.length % 4;
  if (!/^[A-Za-z0-9+/]*$/.test(unpadded) || text.length - unpadded.length > 2 || tail === 1) return undefined;
  const padding = union([literal(''), literal('='), literal('==')]);
  if (tail === 0) return concat([literal(unpadded), padding]);
  // Two characters of a last group carry one byte (the second keeps 2 of its 6 bits), three carry two (4 bits).
  const kept = tail === 2 ? 0b110000 : 0b111100;
  const last = base64Alphabet.indexOf(unpadded.slice(-1));
  const lastChars = [...base64Alphabet]
    .filter((_, index) => (index & kept) === (last & kept))
    .map((char) => [char.charCodeAt(0), char.charCodeAt(0)] as const);
  return concat([literal(unpadded.slice(0, -1)), charClass(lastChars), padding]);
}
