// Turning jsonc-parser offsets into the line/column/offset positions and the
// Access-Analyzer-style JSON paths that every finding carries.
import type { Location, PathElement, Position, Span } from '../model.js';

/** Maps offsets of one document to positions; built once per document. */
export class PositionIndex {
  /** Offset at which each line starts; line n (1-based) starts at lineStarts[n - 1]. */
  private readonly lineStarts: readonly number[];

  constructor(text: string) {
    const starts = [0];
    for (let offset = 0; offset < text.length; offset++) {
      const char = text.charCodeAt(offset);
      // \r\n counts as one line break; a lone \r too, as editors show it.
      if (char === 10 || (char === 13 && text.charCodeAt(offset + 1) !== 10)) starts.push(offset + 1);
    }
    this.lineStarts = starts;
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0), offset };
  }

  span(offset: number, length: number): Span {
    return { start: this.position(offset), end: this.position(offset + length) };
  }

  location(path: readonly PathElement[], offset: number, length: number): Location {
    return { path, span: this.span(offset, length) };
  }
}
