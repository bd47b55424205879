import { describe, expect, it } from 'vitest';
import { loadActionCatalog, lookUpAction } from '../../src/iam/catalog.js';

describe('the bundled action catalog', () => {
  it('knows the S3 and Lambda actions with their catalog spelling', async () => {
    const catalog = await loadActionCatalog();
    expect(catalog.version).toMatch(/^0\.\d+\.\d+$/);
    expect(lookUpAction(catalog, 'S3', 'getobject')).toBe('GetObject');
    expect(lookUpAction(catalog, 'lambda', 'InvokeFunction')).toBe('InvokeFunction');
    expect(lookUpAction(catalog, 's3', 'NoSuchAction')).toBeUndefined();
    expect(catalog.services.get('s3')!.actions.length).toBeGreaterThan(100);
  });
});
