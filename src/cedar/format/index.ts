// Cedar policy text as Cedar prints it: the formatter (comments kept, lines
// broken at a width) and the printer of policies that have no text of their own.
export { formatPolicies, type FormatError, type FormatOptions, type FormatResult } from './format.js';
export { policyText, exprText, escapeDebug } from './print.js';
