// A Wadler-style document algebra and its renderer, with the exact layout
// decisions of the Rust `pretty` crate that Cedar's formatter uses: a group is
// laid out flat when its flat form, followed by the text that comes after it
// up to the next line break, fits in the line width.

export type Doc =
  | { readonly kind: 'nil' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'hardline' }
  /**
   * A line break whose next line is indented no deeper than the text that
   * starts it: what Cedar's formatter does after a comment at the end of a
   * line, so that a closing bracket goes back under its opening one.
   */
  | { readonly kind: 'lineEnd' }
  /** `broken` when the enclosing group is broken, `flat` when it is flat. */
  | { readonly kind: 'alt'; readonly broken: Doc; readonly flat: Doc }
  | { readonly kind: 'group'; readonly doc: Doc }
  | { readonly kind: 'nest'; readonly indent: number; readonly doc: Doc }
  | { readonly kind: 'concat'; readonly docs: readonly Doc[] };

export const nil: Doc = { kind: 'nil' };
export const hardline: Doc = { kind: 'hardline' };
export const lineEnd: Doc = { kind: 'lineEnd' };
export const space: Doc = { kind: 'text', text: ' ' };
/** A space, or a line break when the group breaks. */
export const line: Doc = { kind: 'alt', broken: hardline, flat: space };
/** Nothing, or a line break when the group breaks. */
export const softBreak: Doc = { kind: 'alt', broken: hardline, flat: nil };

export function text(value: string): Doc {
  return { kind: 'text', text: value };
}

export function concat(...docs: Doc[]): Doc {
  return { kind: 'concat', docs };
}

/** `concat` for lists built at run time, which may be too long to spread into arguments. */
export function sequence(docs: readonly Doc[]): Doc {
  return { kind: 'concat', docs };
}

export function group(doc: Doc): Doc {
  return { kind: 'group', doc };
}

export function nest(indent: number, doc: Doc): Doc {
  return { kind: 'nest', indent, doc };
}

export function intersperse(docs: readonly Doc[], separator: Doc): Doc {
  return sequence(docs.flatMap((doc, index) => (index === 0 ? [doc] : [separator, doc])));
}

type Mode = 'flat' | 'break';

interface Command {
  readonly indent: number;
  readonly mode: Mode;
  readonly doc: Doc;
}

// `pretty` measures text in terminal columns (Unicode's East Asian Width, as
// the unicode-width crate does): wide characters take two columns, combining
// and invisible ones none, control characters one.
// Zero columns: combining marks and other grapheme extenders, default-ignorable
// code points (but the Hangul choseong filler, which is wide), and Hangul
// medial vowels and final consonants, which join the syllable before them.
const ZERO_WIDTH =
  /(?!\u115f)[\p{Grapheme_Extend}\p{Default_Ignorable_Code_Point}\u1160-\u11ff\ud7b0-\ud7ff]/u;
const WIDE =
  /[\p{Emoji_Presentation}\u{1f260}-\u{1f265}\u1100-\u115f\u2329\u232a\u2e80-\u303e\u3041-\u3163\u3165-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{17000}-\u{18aff}\u{1b000}-\u{1b2ff}\u{1f200}-\u{1f202}\u{1f210}-\u{1f23b}\u{1f240}-\u{1f248}\u{1f250}-\u{1f251}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]/u;

// Regional indicators, and unassigned code points outside the blocks that
// Unicode reserves for wide ideographs, are narrow even inside wide blocks.
const NARROW = /[\p{Cn}\u{1f1e6}-\u{1f1ff}]/u;
const WIDE_WHEN_UNASSIGNED =
  /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]/u;

function columnsOf(character: string): number {
  if (ZERO_WIDTH.test(character)) return 0;
  if (NARROW.test(character) && !WIDE_WHEN_UNASSIGNED.test(character)) return 1;
  return WIDE.test(character) ? 2 : 1;
}

function width(value: string): number {
  if (/^[\x00-\x7f]*$/.test(value)) return value.length;
  let columns = 0;
  for (const character of value) columns += columnsOf(character);
  return columns;
}

/**
 * Whether `next`, laid out flat, and then the pending commands, laid out as
 * they are, reach a line break before the column passes `lineWidth`.
 */
function fits(next: Doc, pending: readonly Command[], column: number, lineWidth: number): boolean {
  const stack: Doc[] = [next];
  let pendingIndex = pending.length;
  let mode: Mode = 'flat';
  let position = column;
  for (;;) {
    let doc = stack.pop();
    if (doc === undefined) {
      if (pendingIndex === 0) return true;
      pendingIndex -= 1;
      mode = 'break';
      doc = (pending[pendingIndex] as Command).doc;
    }
    switch (doc.kind) {
      case 'nil':
        break;
      case 'text':
        position += width(doc.text);
        if (position > lineWidth) return false;
        break;
      case 'hardline':
      case 'lineEnd':
        return mode === 'break';
      case 'alt':
        stack.push(mode === 'break' ? doc.broken : doc.flat);
        break;
      case 'group':
      case 'nest':
        stack.push(doc.doc);
        break;
      case 'concat':
        for (let index = doc.docs.length - 1; index >= 0; index -= 1) stack.push(doc.docs[index] as Doc);
        break;
      default: {
        const unreachable: never = doc;
        return unreachable;
      }
    }
  }
}

/** Lays `doc` out in `lineWidth` columns. */
export function render(doc: Doc, lineWidth: number): string {
  const out: string[] = [];
  const pending: Command[] = [{ indent: 0, mode: 'break', doc }];
  let column = 0;
  // The indentation of a line that a `lineEnd` started, until its first text.
  let pendingIndent: number | undefined;
  for (let command = pending.pop(); command !== undefined; command = pending.pop()) {
    const { indent, mode } = command;
    const current = command.doc;
    switch (current.kind) {
      case 'nil':
        break;
      case 'text':
        if (pendingIndent !== undefined) {
          column = Math.min(pendingIndent, indent);
          out.push(' '.repeat(column));
          pendingIndent = undefined;
        }
        out.push(current.text);
        column += width(current.text);
        break;
      case 'hardline':
        if (pendingIndent !== undefined) out.push(' '.repeat(pendingIndent));
        pendingIndent = undefined;
        out.push('\n', ' '.repeat(indent));
        column = indent;
        break;
      case 'lineEnd':
        if (pendingIndent !== undefined) out.push(' '.repeat(pendingIndent));
        out.push('\n');
        column = indent;
        pendingIndent = indent;
        break;
      case 'alt':
        pending.push({ indent, mode, doc: mode === 'break' ? current.broken : current.flat });
        break;
      case 'group': {
        const groupMode: Mode =
          mode === 'flat' || fits(current.doc, pending, column, lineWidth) ? 'flat' : 'break';
        pending.push({ indent, mode: groupMode, doc: current.doc });
        break;
      }
      case 'nest':
        pending.push({ indent: indent + current.indent, mode, doc: current.doc });
        break;
      case 'concat':
        for (let index = current.docs.length - 1; index >= 0; index -= 1) {
          pending.push({ indent, mode, doc: current.docs[index] as Doc });
        }
        break;
      default: {
        const unreachable: never = current;
        return unreachable;
      }
    }
  }
  return out.join('');
}
