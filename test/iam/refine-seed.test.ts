// The worked example from the issue, against the pinned catalog: the 2024
// statement structure plus one entry per Get action the catalog gained since.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadActionCatalog } from '../../src/iam/catalog.js';
import { refinePolicy, type UnusedPermission } from '../../src/iam/refine.js';

interface Seed {
  readonly policy: { Statement: { Action: string[] }[] };
  readonly unusedPermissions: UnusedPermission[];
  readonly expectedWithCatalogOf2024: { statement0Action: string[]; statement1Action: string[] };
}

const seed = JSON.parse(
  readFileSync(new URL('../../../shared/iam-cases/refine-seed.json', import.meta.url), 'utf8'),
) as Seed;
const catalog = await loadActionCatalog();

describe('refinement of the seed example', () => {
  const result = refinePolicy({
    policyDocument: seed.policy,
    unusedPermissions: seed.unusedPermissions,
    catalog,
  });
  if (!result.ok) throw new Error(result.message);
  const statements = (result.recommendedPolicy as Seed['policy']).Statement;

  it('keeps lambda:Invoke* and removes every unused lambda action', () => {
    expect(statements[0]?.Action).toEqual(seed.expectedWithCatalogOf2024.statement0Action);
  });

  it('contains every entry of the 2024 recommendation, in order', () => {
    const actions = statements[1]?.Action ?? [];
    const expected = seed.expectedWithCatalogOf2024.statement1Action;
    expect(actions.filter((entry) => expected.includes(entry))).toEqual(expected);
  });

  it('adds exactly the used s3 Get actions under the unsafe GetBucket node, written out', () => {
    const expected = seed.expectedWithCatalogOf2024.statement1Action;
    const extra = (statements[1]?.Action ?? []).filter((entry) => !expected.includes(entry));
    const unusedS3 = new Set(seed.unusedPermissions.find((u) => u.serviceNamespace === 's3')?.actions);
    const usedGetBucket = (catalog.services.get('s3')?.actions ?? [])
      .filter((name) => name.startsWith('GetBucket') && !unusedS3.has(name))
      .map((name) => `s3:${name}`);
    expect(extra).toEqual(usedGetBucket);
    // The pinned catalog's additions since 2024: if it changes, this documents how.
    expect(extra).toEqual(['s3:GetBucketAbac', 's3:GetBucketMetadataTableConfiguration']);
  });

  it('reports the change as a diff-like list and the catalog version', () => {
    expect(result.recommendedAction).toBe('CREATE_POLICY');
    expect(result.catalogVersion).toBe(catalog.version);
    expect(result.changes.map((change) => change.outcome)).toEqual(['narrowed', 'narrowed']);
    expect(result.changes[1]?.entries).toEqual([
      { kind: 'replaced', entry: 's3:Get*', replacements: statements[1]?.Action.slice(0, -1) },
      { kind: 'kept', entry: 's3:List*' },
    ]);
    expect(result.changes[0]?.entries.filter((e) => e.kind === 'removed')).toHaveLength(8);
  });
});

describe('refinement without a catalog', () => {
  it('loads the bundled catalog and answers as with it, as a promise', async () => {
    const input = { policyDocument: seed.policy, unusedPermissions: seed.unusedPermissions };
    const pending = refinePolicy(input);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual(refinePolicy({ ...input, catalog }));
  });
});
