// Prints a runtime value in Cedar's syntax, as `cedar evaluate` shows results.
import {
  DatetimeValue,
  DecimalValue,
  DurationValue,
  EntityRef,
  IpValue,
  RecordValue,
  SetValue,
  type Value,
} from './values.js';

function decimalText(scaled: bigint): string {
  const sign = scaled < 0n ? '-' : '';
  const magnitude = scaled < 0n ? -scaled : scaled;
  return `${sign}${magnitude / 10000n}.${(magnitude % 10000n).toString().padStart(4, '0')}`;
}

function ipText(ip: IpValue): string {
  if (ip.isV4) {
    const octets = [24n, 16n, 8n, 0n].map((shift) => ((ip.address >> shift) & 0xffn).toString());
    return `${octets.join('.')}/${ip.prefix}`;
  }
  const groups = Array.from({ length: 8 }, (_, index) =>
    ((ip.address >> BigInt(112 - 16 * index)) & 0xffffn).toString(16),
  );
  return `${groups.join(':')}/${ip.prefix}`;
}

const MAX_ISO_MS = 253_402_300_799_999n;

/** A datetime as a literal: ISO text within years 0000–9999, else an offset from the epoch. */
function datetimeText(ms: bigint): string {
  if (ms >= -62_167_219_200_000n && ms <= MAX_ISO_MS) {
    return `datetime("${new Date(Number(ms)).toISOString()}")`;
  }
  return `datetime("1970-01-01").offset(duration("${ms}ms"))`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '"': '\\"',
  '\\': '\\\\',
};

/** A string literal with Cedar's escapes; other control characters as `\u{...}`. */
export function cedarString(text: string): string {
  const escaped = text.replace(/[\n\r\t\0"\\]|[\p{Cc}]/gu, (char) => {
    return ESCAPES[char] ?? `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
  });
  return `"${escaped}"`;
}

export function formatValue(value: Value): string {
  if (typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return cedarString(value);
  if (value instanceof EntityRef) return `${value.type}::${cedarString(value.id)}`;
  if (value instanceof SetValue) return `[${value.elements.map(formatValue).join(', ')}]`;
  if (value instanceof RecordValue) {
    const fields = [...value.fields].map(([name, field]) => `${cedarString(name)}: ${formatValue(field)}`);
    return `{${fields.join(', ')}}`;
  }
  if (value instanceof DecimalValue) return `decimal("${decimalText(value.scaled)}")`;
  if (value instanceof IpValue) return `ip("${ipText(value)}")`;
  if (value instanceof DatetimeValue) return datetimeText(value.ms);
  if (value instanceof DurationValue) return `duration("${value.ms}ms")`;
  const unreachable: never = value;
  return unreachable;
}
