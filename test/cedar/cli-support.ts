// What the Cedar CLI tests share: every `keyaki cedar` command in one group,
// run in-process, and input files in a fresh temporary folder.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCedarAuthorize } from '../../src/cli/cedar-authorize.js';
import { registerCedarCheckParse } from '../../src/cli/cedar-check-parse.js';
import { registerCedarEvaluate } from '../../src/cli/cedar-evaluate.js';
import { registerCedarFormat } from '../../src/cli/cedar-format.js';
import { registerCedarTranslatePolicy } from '../../src/cli/cedar-translate-policy.js';
import { registerCedarTranslateSchema } from '../../src/cli/cedar-translate-schema.js';
import { registerCedarValidate } from '../../src/cli/cedar-validate.js';
import { runGroup, type CommandOutcome } from '../cli/run-group.js';

/** Runs `keyaki cedar <args>`; callers restore the output spies with `vi.restoreAllMocks()`. */
export function runCedar(args: readonly string[]): Promise<CommandOutcome> {
  return runGroup(
    'cedar',
    [
      registerCedarAuthorize,
      registerCedarCheckParse,
      registerCedarEvaluate,
      registerCedarFormat,
      registerCedarTranslatePolicy,
      registerCedarTranslateSchema,
      registerCedarValidate,
    ],
    args,
  );
}

/** A writer of files into a new temporary folder: `file(name, text)` returns the path. */
export function temporaryFiles(prefix: string): (name: string, text: string) => string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  return (name, text) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  };
}
