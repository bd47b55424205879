// The extension functions of Cedar 4.5 and their types: constructors, which
// take one string literal, and the functions and methods on extension values.
import { isValidDatetime, isValidDecimal, isValidDuration, isValidIpAddr } from './extension-literals.js';
import { ANY_BOOL, LONG, type Type } from './types.js';

export interface ExtensionSignature {
  readonly params: readonly Type[];
  readonly result: Type;
}

export const IPADDR: Type = { kind: 'extension', name: 'ipaddr' };
export const DECIMAL: Type = { kind: 'extension', name: 'decimal' };
export const DATETIME: Type = { kind: 'extension', name: 'datetime' };
export const DURATION: Type = { kind: 'extension', name: 'duration' };

export const CONSTRUCTORS: ReadonlyMap<
  string,
  { readonly result: Type; readonly isValid: (text: string) => boolean; readonly what: string }
> = new Map([
  ['ip', { result: IPADDR, isValid: isValidIpAddr, what: 'IP address' }],
  ['decimal', { result: DECIMAL, isValid: isValidDecimal, what: 'decimal value' }],
  ['datetime', { result: DATETIME, isValid: isValidDatetime, what: 'datetime' }],
  ['duration', { result: DURATION, isValid: isValidDuration, what: 'duration' }],
]);

export const FUNCTIONS: ReadonlyMap<string, ExtensionSignature> = new Map([
  ['isIpv4', { params: [IPADDR], result: ANY_BOOL }],
  ['isIpv6', { params: [IPADDR], result: ANY_BOOL }],
  ['isLoopback', { params: [IPADDR], result: ANY_BOOL }],
  ['isMulticast', { params: [IPADDR], result: ANY_BOOL }],
  ['isInRange', { params: [IPADDR, IPADDR], result: ANY_BOOL }],
  ['lessThan', { params: [DECIMAL, DECIMAL], result: ANY_BOOL }],
  ['lessThanOrEqual', { params: [DECIMAL, DECIMAL], result: ANY_BOOL }],
  ['greaterThan', { params: [DECIMAL, DECIMAL], result: ANY_BOOL }],
  ['greaterThanOrEqual', { params: [DECIMAL, DECIMAL], result: ANY_BOOL }],
  ['offset', { params: [DATETIME, DURATION], result: DATETIME }],
  ['durationSince', { params: [DATETIME, DATETIME], result: DURATION }],
  ['toDate', { params: [DATETIME], result: DATETIME }],
  ['toTime', { params: [DATETIME], result: DURATION }],
  ['toMilliseconds', { params: [DURATION], result: LONG }],
  ['toSeconds', { params: [DURATION], result: LONG }],
  ['toMinutes', { params: [DURATION], result: LONG }],
  ['toHours', { params: [DURATION], result: LONG }],
  ['toDays', { params: [DURATION], result: LONG }],
]);
