// The value syntaxes condition operators accept. Each check answers "would
// AWS read this value as its operator expects", nothing more.

/** Numeric operators accept integers and decimals, optionally signed. */
export function isNumericValue(value: string | number | boolean): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value);
}

/** Bool and Null accept `true` and `false`, as JSON booleans or strings in any case. */
export function isBooleanValue(value: string | number | boolean): boolean {
  if (typeof value === 'boolean') return true;
  return typeof value === 'string' && /^(true|false)$/i.test(value);
}

const datePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Date operators accept ISO 8601 dates and date-times (`2020-01-01`,
 * `2020-01-01T12:00:00Z`, with an offset or fractional seconds) and epoch
 * seconds as a number or a string of digits.
 */
export function isDateValue(value: string | number | boolean): boolean {
  if (typeof value === 'number') return Number.isInteger(value);
  if (typeof value !== 'string') return false;
  if (/^-?\d+$/.test(value)) return true;
  const match = datePattern.exec(value);
  if (match === null) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  if (year === undefined || month === undefined || day === undefined) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59
  );
}

/** BinaryEquals compares base64 text: padded, in groups of four characters. */
export function isBase64Value(value: string | number | boolean): boolean {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length % 4 === 0 &&
    /^[A-Za-z0-9+/]+={0,2}$/.test(value)
  );
}

/** An IPv4 or IPv6 address, with an optional CIDR prefix length. */
export function isIpRange(value: string | number | boolean): boolean {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const prefix = slash < 0 ? undefined : value.slice(slash + 1);
  const maxPrefix = isIpv4(address) ? 32 : isIpv6(address) ? 128 : undefined;
  if (maxPrefix === undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix;
}

function isIpv4(address: string): boolean {
  const octets = address.split('.');
  return (
    octets.length === 4 && octets.every((octet) => /^(0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255)
  );
}

function isIpv6(address: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(address)) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const all = halves.flatMap(groups);
  // An embedded IPv4 address (`::ffff:192.0.2.1`) may end the address and counts as two groups.
  const last = all.at(-1);
  const embedsIpv4 = last !== undefined && last.includes('.');
  if (embedsIpv4 && !isIpv4(last)) return false;
  const hexGroups = embedsIpv4 ? all.slice(0, -1) : all;
  if (!hexGroups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  const count = hexGroups.length + (embedsIpv4 ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

const privateIpv4Ranges: readonly (readonly [number, number])[] = [
  [ipv4Number('10.0.0.0'), 8],
  [ipv4Number('172.16.0.0'), 12],
  [ipv4Number('192.168.0.0'), 16],
];

function ipv4Number(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

/**
 * Does an IPv4 address or CIDR range lie wholly in the private (RFC 1918)
 * ranges? Requests from private addresses reach AWS through VPC endpoints,
 * where `aws:SourceIp` is not set, so such a condition never matches.
 */
export function isPrivateIpv4Range(value: string | number | boolean): boolean {
  if (typeof value !== 'string' || !isIpRange(value)) return false;
  const [address = '', prefixText] = value.split('/');
  if (!isIpv4(address)) return false;
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  const start = ipv4Number(address);
  return privateIpv4Ranges.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    return prefix >= bits && start >= base && start < base + size;
  });
}

/** Epoch seconds, which Date operators accept but Access Analyzer advises against. */
export function isEpochValue(value: string | number | boolean): boolean {
  return typeof value === 'number'
    ? Number.isInteger(value)
    : typeof value === 'string' && /^-?\d+$/.test(value);
}

/**
 * The network an IPv4 CIDR range denotes (`203.0.113.0/24` for
 * `203.0.113.7/24`): AWS ignores the bits after the mask. Undefined for
 * anything that is not an IPv4 CIDR range.
 */
export function ipv4NetworkOf(value: string | number | boolean): string | undefined {
  if (typeof value !== 'string' || !isIpRange(value)) return undefined;
  const [address = '', prefixText] = value.split('/');
  if (prefixText === undefined || !isIpv4(address)) return undefined;
  const prefix = Number(prefixText);
  const hostBits = 2 ** (32 - prefix);
  const network = Math.floor(ipv4Number(address) / hostBits) * hostBits;
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefix}`;
}
