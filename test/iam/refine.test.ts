import { describe, expect, it } from 'vitest';
import { catalogFromActions } from '../../src/iam/catalog.js';
import { actionWords, refinePolicy, type RefineResult, type UnusedPermission } from '../../src/iam/refine.js';

const catalog = catalogFromActions('test-1', {
  dynamodb: ['GetItem', 'GetTable', 'GetTables', 'GetTableInfo', 'PutItem'],
  s3: [
    'GetObject',
    'GetObjectAcl',
    'GetObjectTagging',
    'GetBucketTagging',
    'GetBucketPolicy',
    'GetJobTagging',
    'ListBucket',
    'PutObject',
  ],
  sqs: ['SendMessage', 'ReceiveMessage'],
});

function refine(policy: object, unusedPermissions: UnusedPermission[]): RefineResult {
  const result = refinePolicy({ policyDocument: policy, unusedPermissions, catalog });
  if (!result.ok) throw new Error(result.message);
  return result;
}

const allow = (Action: unknown, extra: object = {}): object => ({
  Effect: 'Allow',
  Action,
  Resource: '*',
  ...extra,
});
const policy = (...Statement: object[]): object => ({ Version: '2012-10-17', Statement });
const actionsOf = (result: RefineResult): unknown[] =>
  (result.recommendedPolicy as { Statement: { Action?: unknown }[] }).Statement.map((s) => s.Action);

describe('actionWords', () => {
  it('splits camelCase, keeping capital runs together', () => {
    expect(actionWords('GetObjectVersion')).toEqual(['Get', 'Object', 'Version']);
    expect(actionWords('ListMFADevices')).toEqual(['List', 'MFA', 'Devices']);
    expect(actionWords('GetBucketCORS')).toEqual(['Get', 'Bucket', 'CORS']);
  });
});

describe('refinePolicy', () => {
  it('writes out a used action that is a string prefix of an unused one', () => {
    const result = refine(policy(allow('dynamodb:Get*')), [
      { serviceNamespace: 'dynamodb', actions: ['GetTables'] },
    ]);
    expect(actionsOf(result)).toEqual([['dynamodb:GetItem', 'dynamodb:GetTable', 'dynamodb:GetTableInfo']]);
  });

  it('never widens an infix wildcard beyond what it matched', () => {
    const result = refine(policy(allow('s3:Get*Tagging')), [
      { serviceNamespace: 's3', actions: ['GetBucketTagging'] },
    ]);
    // s3:GetObject* would also grant GetObjectAcl, which Get*Tagging never did.
    expect(actionsOf(result)).toEqual([['s3:GetJobTagging', 's3:GetObjectTagging']]);
  });

  it('writes a prefix* only when it lies within the entry over all strings, not just the catalog', () => {
    // Every catalog action starting with sqs:Get is used and matched, but
    // sqs:Get* would grant an sqs:GetFoo AWS adds later, which the entry never did.
    const queues = catalogFromActions('test-1', {
      sqs: ['CreateQueue', 'DeleteQueue', 'GetQueueAttributes', 'GetQueueTags', 'ListQueues'],
    });
    const refineQueues = (Action: string, actions: string[]): unknown[] => {
      const result = refinePolicy({
        policyDocument: policy(allow(Action)),
        unusedPermissions: [{ serviceNamespace: 'sqs', actions }],
        catalog: queues,
      });
      if (!result.ok) throw new Error(result.message);
      return actionsOf(result);
    };
    expect(refineQueues('sqs:*Queue*', ['DeleteQueue'])).toEqual([
      ['sqs:CreateQueue', 'sqs:GetQueue*', 'sqs:ListQueues'],
    ]);
    expect(refineQueues('sqs:*s', ['ListQueues'])).toEqual([['sqs:GetQueueAttributes', 'sqs:GetQueueTags']]);
    expect(refineQueues('sqs:*et*', ['DeleteQueue'])).toEqual(['sqs:Get*']);
  });

  it('handles ? wildcards', () => {
    const result = refine(policy(allow('sqs:?e*')), [{ serviceNamespace: 'sqs', actions: ['SendMessage'] }]);
    expect(actionsOf(result)).toEqual(['sqs:ReceiveMessage']);
  });

  it('rewrites * and cross-service wildcards per service, with service:* for untouched services', () => {
    const result = refine(policy(allow('*')), [
      { serviceNamespace: 's3' },
      { serviceNamespace: 'dynamodb', actions: ['PutItem'] },
    ]);
    expect(actionsOf(result)).toEqual([['dynamodb:Get*', 'sqs:*']]);
  });

  it('removes unused explicit actions and keeps others as written, whatever the case of the finding', () => {
    const result = refine(policy(allow(['S3:getobject', 's3:PutObject', 'sqs:SendMessage'])), [
      { serviceNamespace: 'S3', actions: ['GETOBJECT'] },
    ]);
    expect(actionsOf(result)).toEqual([['s3:PutObject', 'sqs:SendMessage']]);
    expect(result.changes[0]?.entries).toEqual([
      { kind: 'removed', entry: 'S3:getobject' },
      { kind: 'kept', entry: 's3:PutObject' },
      { kind: 'kept', entry: 'sqs:SendMessage' },
    ]);
  });

  it('keeps the written service spelling and a single string when one entry remains', () => {
    const result = refine(policy(allow('S3:GetObject*')), [
      { serviceNamespace: 's3', actions: ['GetObjectAcl', 'GetObjectTagging'] },
    ]);
    expect(actionsOf(result)).toEqual(['S3:GetObject']);
  });

  it('does not repeat an action covered by two entries', () => {
    const result = refine(policy(allow(['s3:GetObject', 's3:GetObject*'])), [
      { serviceNamespace: 's3', actions: ['GetObjectAcl'] },
    ]);
    expect(actionsOf(result)).toEqual([['s3:GetObject', 's3:GetObjectTagging']]);
  });

  it('adds unused actions to NotAction instead of rewriting the statement', () => {
    const result = refine(policy({ Effect: 'Allow', NotAction: 's3:PutObject', Resource: '*' }), [
      { serviceNamespace: 'sqs' },
      { serviceNamespace: 's3', actions: ['PutObject', 'ListBucket'] },
    ]);
    const statement = (result.recommendedPolicy as { Statement: { NotAction: unknown }[] }).Statement[0];
    expect(statement?.NotAction).toEqual(['s3:PutObject', 'sqs:*', 's3:ListBucket']);
    expect(result.changes[0]?.outcome).toBe('extended');
  });

  it('never narrows a Deny statement', () => {
    const deny = { Effect: 'Deny', Action: 's3:Get*', Resource: '*' };
    const result = refine(policy(allow('sqs:*'), deny), [{ serviceNamespace: 's3' }]);
    expect((result.recommendedPolicy as { Statement: object[] }).Statement[1]).toBe(deny);
  });

  it('keeps actions and services the catalog does not know, with a warning', () => {
    const result = refine(policy(allow(['s3:GetObject', 's3:GetWhatever', 'newsvc:*'])), [
      { serviceNamespace: 'sqs' },
    ]);
    expect(actionsOf(result)).toEqual([['s3:GetObject', 's3:GetWhatever', 'newsvc:*']]);
    expect(result.warnings.map((w) => w.path)).toEqual(['Statement[0].Action[1]', 'Statement[0].Action[2]']);
  });

  it('removes statements left with no action and detaches a policy left with none', () => {
    const two = refine(policy(allow('sqs:*'), allow('s3:*')), [{ serviceNamespace: 'sqs' }]);
    expect(actionsOf(two)).toEqual(['s3:*']);
    expect(two.changes.map((c) => c.outcome)).toEqual(['removed', 'unchanged']);
    const none = refine(policy(allow('sqs:*')), [{ serviceNamespace: 'sqs' }]);
    expect(none.recommendedAction).toBe('DETACH_POLICY');
    expect(none.recommendedPolicy).toBeUndefined();
  });

  it('keeps key order, a single Statement object and untouched values', () => {
    const text =
      '{"Statement":{"Sid":"A","Resource":"*","Action":"s3:Get*","Effect":"Allow"},"Version":"2012-10-17"}';
    const result = refinePolicy({
      policyDocument: text,
      unusedPermissions: [{ serviceNamespace: 's3', actions: ['GetBucketPolicy'] }],
      catalog,
    });
    expect(result.ok && JSON.stringify(result.recommendedPolicy)).toBe(
      '{"Statement":{"Sid":"A","Resource":"*","Action":["s3:GetBucketTagging","s3:GetJobTagging","s3:GetObject*"],"Effect":"Allow"},"Version":"2012-10-17"}',
    );
  });

  it('narrows a wildcard that matches an unused action the catalog does not know', () => {
    const result = refine(policy(allow('sqs:*')), [
      { serviceNamespace: 'sqs', actions: ['SendMessageBatch'] },
    ]);
    expect(actionsOf(result)).toEqual([['sqs:ReceiveMessage', 'sqs:SendMessage']]);
    expect(result.warnings).toHaveLength(1);
  });

  it('returns errors for unusable input as values with a location', () => {
    expect(refinePolicy({ policyDocument: '{', unusedPermissions: [], catalog })).toMatchObject({
      ok: false,
      path: '',
    });
    expect(
      refinePolicy({
        policyDocument: policy({ Effect: 'Allow', Action: 3 }),
        unusedPermissions: [],
        catalog,
      }),
    ).toEqual({
      ok: false,
      path: 'Statement[0].Action',
      message: 'expected a string or an array of strings',
    });
  });
});
