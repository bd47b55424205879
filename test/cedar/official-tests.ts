// Reading the official Cedar integration tests from ../shared, shared by the
// runners that check decisions and the ones that check validation, and by the
// benchmarks.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** `../shared` beside the repository, found from this file whether it runs from `test/` or compiled into `dist/test/`. */
function sharedFolder(): URL {
  let folder = new URL('.', import.meta.url);
  while (!existsSync(new URL('package.json', folder))) {
    const parent = new URL('..', folder);
    if (parent.href === folder.href) throw new Error('no package.json above the official-tests reader');
    folder = parent;
  }
  return new URL('../shared/cedar-integration-tests/', folder);
}

export const SHARED = sharedFolder();

/** The files of the corpus archive, by path, read with a minimal tar reader instead of unpacking to disk. */
export function corpusArchive(): Map<string, string> {
  const archive = gunzipSync(readFileSync(new URL('corpus-tests-dev.tar.gz', SHARED)));
  const files = new Map<string, string>();
  let offset = 0;
  while (offset + 512 <= archive.length && archive[offset] !== 0) {
    const field = (start: number, length: number): string =>
      archive.toString('latin1', offset + start, offset + start + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = `${prefix}${prefix === '' ? '' : '/'}${field(0, 100)}`;
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    if (field(156, 1) !== '5') files.set(name, archive.toString('utf8', offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
