import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGroup } from '../cli/run-group.js';
import { registerCedarTranslateSchema } from '../../src/cli/cedar-translate-schema.js';

const run = (args: string[]) => runGroup('cedar', [registerCedarTranslateSchema], args);

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keyaki-schema-')), name);
  writeFileSync(path, text);
  return path;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('keyaki cedar translate-schema', () => {
  it('translates the text syntax to the JSON format and back', async () => {
    const text =
      'entity Group;\n\nentity User in [Group];\n\naction "view" appliesTo {\n  principal: [User],\n  resource: [Group],\n  context: {}\n};\n';
    const toJson = await run([
      'translate-schema',
      '--direction',
      'cedar-to-json',
      '--schema',
      file('s.cedarschema', text),
    ]);
    expect(toJson.exitCode).toBe(0);
    expect(JSON.parse(toJson.stdout)).toEqual({
      '': {
        entityTypes: { Group: {}, User: { memberOfTypes: ['Group'] } },
        actions: { view: { appliesTo: { principalTypes: ['User'], resourceTypes: ['Group'] } } },
      },
    });
    const back = await run([
      'translate-schema',
      '--direction',
      'json-to-cedar',
      '--schema',
      file('s.json', toJson.stdout),
    ]);
    expect(back.stdout).toBe(text);
  });

  it('points at the error in the schema with a code frame and exits with 1', async () => {
    const result = await run([
      'translate-schema',
      '--direction',
      'cedar-to-json',
      '--schema',
      file('bad.cedarschema', 'entity Group;\nentity User in [Grop];\n'),
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /bad\.cedarschema:2:17: error: undeclared entity type `Grop`\n {2}2 \| entity User in \[Grop\];\n {4}\| {17}\^{4}\n$/,
    );
  });
});
