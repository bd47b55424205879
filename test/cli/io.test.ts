// Reading `file://` documents and code frames: what a user sees when a file
// cannot be read, is not UTF-8, or has a line too long to print whole.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeFrame, readDocumentArgument, UsageError } from '../../src/cli/io.js';

const directory = mkdtempSync(join(tmpdir(), 'keyaki-io-'));

function bytesFile(name: string, bytes: Uint8Array | string): string {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
}

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('readDocumentArgument', () => {
  it('reads inline text as is and a file:// path from the file', () => {
    expect(readDocumentArgument('{"a":1}', '--x')).toEqual({ source: '<inline>', text: '{"a":1}' });
    const path = bytesFile('p.json', '{"b": "é"}');
    expect(readDocumentArgument(`file://${path}`, '--x')).toEqual({ source: path, text: '{"b": "é"}' });
  });

  it('names the option and the reason when the path is missing or a directory', () => {
    expect(usageError(() => readDocumentArgument(`file://${directory}/none.json`, '--policy-document'))).toBe(
      `cannot read \`${directory}/none.json\` given to --policy-document: no such file`,
    );
    const folder = join(directory, 'folder');
    mkdirSync(folder);
    expect(usageError(() => readDocumentArgument(`file://${folder}`, '--access'))).toBe(
      `cannot read \`${folder}\` given to --access: it is a directory, not a file`,
    );
  });

  it('drops a leading byte order mark', () => {
    const path = bytesFile('bom.json', '\uFEFF{"c": 1}');
    expect(readDocumentArgument(`file://${path}`, '--x').text).toBe('{"c": 1}');
  });

  it('rejects bytes that are not UTF-8 at their line and column', () => {
    const prefix = Buffer.from('{\n  "Action": "s3:Get');
    const path = bytesFile('latin1.json', Buffer.concat([prefix, Buffer.from([0xe9, 0x22, 0x7d])]));
    const message = usageError(() => readDocumentArgument(`file://${path}`, '--policy-document'));
    expect(message.split('\n')[0]).toBe(
      `${path}:2:20: error: the file given to --policy-document is not UTF-8 text`,
    );
    expect(message.split('\n')[2]).toBe(`    | ${' '.repeat(19)}^`);
  });

  it('finds the invalid byte after a correctly encoded U+FFFD', () => {
    const path = bytesFile('fffd.json', Buffer.concat([Buffer.from('"\uFFFD'), Buffer.from([0xff])]));
    expect(usageError(() => readDocumentArgument(`file://${path}`, '--x'))).toMatch(/:1:3: error: /);
  });
});

describe('codeFrame', () => {
  it('marks the span under its line with a 1-based column', () => {
    expect(codeFrame('f.json', '{\n  "a": 1x\n}', 'bad number', { start: 10, end: 11 })).toBe(
      ['f.json:2:9: error: bad number', '  2 |   "a": 1x', '    |         ^', ''].join('\n'),
    );
  });

  it('cuts a long line around the span, keeping the caret under it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 400 }),
        (before, after, width) => {
          const marked = 'x'.repeat(width);
          const text = `${'a'.repeat(before)}${marked}${'b'.repeat(after)}`;
          const [head, source, carets] = codeFrame('f', text, 'm', {
            start: before,
            end: before + width,
          }).split('\n');
          expect(head).toBe(`f:1:${before + 1}: error: m`);
          expect(source!.length).toBeLessThanOrEqual(6 + 160 + 2);
          const column = carets!.indexOf('^');
          expect(source![column]).toBe('x');
          const caretCount = carets!.length - column;
          expect(source!.slice(column, column + caretCount)).toBe('x'.repeat(caretCount));
        },
      ),
      { numRuns: 200 },
    );
  });
});
