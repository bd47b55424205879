// Errors in policy text, worded as Cedar words them so that a user moving
// between the official tools and Keyaki reads the same message.
import type { SourceSpan } from './ast.js';

/** A problem in the input: what is wrong, where, and how to fix it when Cedar says so. */
export interface ParseError {
  readonly message: string;
  readonly span: SourceSpan;
  readonly help?: string;
  /** What Cedar's parser could have taken at the span, as Cedar words it: "expected `)` or `,`". */
  readonly label?: string;
}

/** The UTF-8 length of `text`, which is how the official tools count offsets. */
function utf8Length(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      length += 4;
      index += 1;
    } else length += 3;
  }
  return length;
}

/** A span of `text` counted in UTF-8 bytes, as cedar-wasm's `sourceLocations` count. */
export function utf8Span(text: string, span: SourceSpan): SourceSpan {
  const start = utf8Length(text.slice(0, span.start));
  return { start, end: start + utf8Length(text.slice(span.start, span.end)) };
}
