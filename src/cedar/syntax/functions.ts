// Cedar's extension functions and how each is written: `ip("...")` is a
// function, `a.lessThan(b)` a method whose receiver is the first argument.
// The EST writes both as `{ "name": [args] }`, so the style comes from here.

export type CallStyle = 'function' | 'method';

const STYLES: ReadonlyMap<string, CallStyle> = new Map<string, CallStyle>([
  ['ip', 'function'],
  ['decimal', 'function'],
  ['datetime', 'function'],
  ['duration', 'function'],
  ['isIpv4', 'method'],
  ['isIpv6', 'method'],
  ['isLoopback', 'method'],
  ['isMulticast', 'method'],
  ['isInRange', 'method'],
  ['lessThan', 'method'],
  ['lessThanOrEqual', 'method'],
  ['greaterThan', 'method'],
  ['greaterThanOrEqual', 'method'],
  ['offset', 'method'],
  ['durationSince', 'method'],
  ['toDate', 'method'],
  ['toTime', 'method'],
  ['toMilliseconds', 'method'],
  ['toSeconds', 'method'],
  ['toMinutes', 'method'],
  ['toHours', 'method'],
  ['toDays', 'method'],
]);

/** How the extension function `name` is written, or undefined when Cedar has no such function. */
export function extensionCallStyle(name: string): CallStyle | undefined {
  return STYLES.get(name);
}
