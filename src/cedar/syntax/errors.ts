// Errors in policy text, worded as Cedar words them so that a user moving
// between the official tools and Keyaki reads the same message.
import type { SourceSpan } from './ast.js';

/** A problem in the input: what is wrong, where, and how to fix it when Cedar says so. */
export interface ParseError {
  readonly message: string;
  readonly span: SourceSpan;
  readonly help?: string;
}
