// Reading the official Cedar integration tests from ../shared, shared by the
// runners that check decisions and the ones that check validation, and by the
// benchmarks.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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

/** The paths of the hand-written tests, `tests/<folder>/<name>.json`, relative to the shared folder. */
export function handWrittenTests(): string[] {
  return readdirSync(new URL('tests/', SHARED)).flatMap((folder) =>
    readdirSync(new URL(`tests/${folder}/`, SHARED))
      .filter((name) => name.endsWith('.json'))
      .map((name) => `tests/${folder}/${name}`),
  );
}

/** The paths of the tests in the corpus archive (not their entity files). */
export function corpusTests(files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].filter((name) => name.endsWith('.json') && !name.endsWith('.entities.json'));
}

/** Reads a file a test names: from the corpus archive when given and it is there, else from the shared folder. */
export function testFileReader(files?: ReadonlyMap<string, string>): (path: string) => string {
  return (path) => files?.get(path) ?? readFileSync(new URL(path, SHARED), 'utf8');
}
