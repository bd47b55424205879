// The refinement's guarantee against the concrete evaluator: random small
// policies over a real slice of the bundled action catalog (Action and
// NotAction entries with prefix, infix and `?` wildcards in any case, `*`,
// wildcard services, actions outside the catalog; several statements with
// Deny; Resource, NotResource and Condition present or not) and random unused
// sets (whole services, some actions, names outside the catalog, any case).
// Every catalog action of the slice, plus actions AWS might add later, is
// evaluated by `evaluate` on a few resources and contexts, on the original and
// the recommended policy:
// - a catalog action is allowed by the recommendation exactly when the
//   original allows it (same resource, same context) and it is not unused;
// - an action outside the catalog is allowed by the recommendation only when
//   the original allows it: the guarantee is stated over the catalog, but a
//   refinement that only removes access must not grant what AWS adds later.
// KEYAKI_BRUTE_RUNS sets the number of policies (default 60).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogFromActions, loadActionCatalog } from '../../src/iam/catalog.js';
import { evaluate } from '../../src/iam/evaluate/evaluate.js';
import type { EvaluationRequest } from '../../src/iam/evaluate/request.js';
import { parsePolicy } from '../../src/iam/parse/policy.js';
import { coversEveryExtension } from '../../src/iam/refine-patterns.js';
import { actionWords, refinePolicy, type UnusedPermission } from '../../src/iam/refine.js';
import {
  and,
  ANY_STRING,
  concat,
  glob,
  literal,
  matches,
  not,
  solve,
  variable,
} from '../../src/logic/index.js';

const runs = Number(process.env.KEYAKI_BRUTE_RUNS ?? 60);

/** Services with names that are prefixes of one another (GetTable/ListTables, GetKey/UpdateKeys) and a hyphen. */
const sliceNamespaces = ['sqs', 'sns', 'bcm-data-exports', 'cloudfront-keyvaluestore'];
const bundled = await loadActionCatalog();
const catalog = catalogFromActions(
  bundled.version,
  Object.fromEntries(sliceNamespaces.map((n) => [n, bundled.services.get(n)?.actions ?? []])),
);
const catalogActions = sliceNamespaces.flatMap((n) =>
  (catalog.services.get(n)?.actions ?? []).map((a) => `${n}:${a}`),
);
/**
 * Actions AWS might add later: every word prefix of a catalog action (which a
 * refinement may write as `prefix*`) followed by a new word, longer names, a
 * new service sharing a prefix.
 */
const futureActions = [
  ...new Set(
    catalogActions.flatMap((action) => {
      const colon = action.indexOf(':');
      const words = actionWords(action.slice(colon + 1));
      return words.map((_, n) => `${action.slice(0, colon + 1)}${words.slice(0, n).join('')}Zz`);
    }),
  ),
  'sqs:SendMessageBatch',
  'sqs:GetQueueUrlV2',
  'sqs:Get',
  'sqs:ReceiveMessageTagging',
  'sns:PublishBatch',
  'sns:GetTopicAttributesV2',
  'bcm-data-exports:GetTableSchema',
  'bcm-data-exports:ListTablesTagging',
  'cloudfront-keyvaluestore:GetKeys',
  'cloudfront-keyvaluestore:PutKeyTagging',
  'sqsx:SendMessage',
  's3:GetObject',
];
const universe = [...catalogActions, ...futureActions];
const isCatalogAction = new Set(catalogActions.map((a) => a.toLowerCase()));

const A = '111122223333';
const resources = [`arn:aws:sqs:us-east-1:${A}:queue1`, `arn:aws:sns:us-east-1:${A}:topic`];
const contexts = [{ 'aws:PrincipalTag/team': 'red' }, { 'aws:PrincipalTag/team': 'blue' }];
const principal = `arn:aws:iam::${A}:user/alice`;

// ---------------------------------------------------------------------------
// Policies

const flipCase = (text: string, flips: readonly boolean[]): string =>
  [...text].map((c, i) => (flips[i % flips.length] === true ? c.toUpperCase() : c.toLowerCase())).join('');

/** An Action entry derived from a catalog action, or one of the wide or foreign ones. */
const entryArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: derivedEntry() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '*',
      'sqs:*',
      'sqs:*Queue*',
      '*:*Message*',
      'sqs:*e*',
      's*:*',
      '*:Get*',
      '*:List*s',
      'sq?:*Message*',
      'sqs:Future*',
      'sqs:FutureAction',
      'foo:Bar*',
    ),
  },
);

function derivedEntry(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...catalogActions),
      fc.nat(),
      fc.nat(),
      fc.constantFrom('exact', 'prefix', 'infix', 'question', 'suffix'),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([action, i, j, shape, flips, keepCase]) => {
      const colon = action.indexOf(':');
      const service = action.slice(0, colon + 1);
      const name = action.slice(colon + 1);
      const cut = i % (name.length + 1);
      const cut2 = cut + (j % (name.length - cut + 1));
      const body = {
        exact: name,
        prefix: `${name.slice(0, cut)}*`,
        infix: `${name.slice(0, cut)}*${name.slice(cut2)}`,
        question: `${name.slice(0, cut)}?${name.slice(cut + 1)}`,
        suffix: `*${name.slice(cut)}`,
      }[shape as 'exact' | 'prefix' | 'infix' | 'question' | 'suffix'];
      const written = service + body;
      return keepCase ? written : flipCase(written, flips);
    });
}

const conditionArbitrary = fc.constantFrom(
  undefined,
  { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
  { StringNotEquals: { 'aws:PrincipalTag/team': 'red' } },
);
const resourceArbitrary = fc.constantFrom<Record<string, string | string[]>>(
  { Resource: '*' },
  { Resource: `arn:aws:sqs:*:${A}:*` },
  { Resource: ['arn:aws:sns:*:*:topic', `arn:aws:sqs:us-east-1:${A}:queue?`] },
  { NotResource: `arn:aws:sns:*:*:*` },
);

const statementArbitrary = fc
  .record({
    effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
    negated: fc.boolean(),
    entries: fc.array(entryArbitrary, { minLength: 1, maxLength: 4 }),
    single: fc.boolean(),
    resource: resourceArbitrary,
    condition: conditionArbitrary,
    sid: fc.option(fc.constantFrom('One', 'Two'), { nil: undefined }),
  })
  .map(({ effect, negated, entries, single, resource, condition, sid }) => ({
    ...(sid === undefined ? {} : { Sid: sid }),
    Effect: effect,
    // NotAction is rare in practice and grants nearly everything: one in four.
    [negated && entries.length === 1 ? 'NotAction' : 'Action']:
      single && entries.length === 1 ? entries[0] : entries,
    ...resource,
    ...(condition === undefined ? {} : { Condition: condition }),
  }));

const policyArbitrary = fc
  .array(statementArbitrary, { minLength: 1, maxLength: 4 })
  .map((Statement) => ({ Version: '2012-10-17', Statement }));

// ---------------------------------------------------------------------------
// Unused sets

const findingArbitrary: fc.Arbitrary<UnusedPermission> = fc.oneof(
  fc.constantFrom(...sliceNamespaces).map((serviceNamespace) => ({ serviceNamespace })),
  fc
    .tuple(
      fc.constantFrom(...sliceNamespaces),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.boolean(),
      fc.constantFrom(undefined, 'FutureAction', 'Get'),
    )
    .map(([serviceNamespace, picks, upper, foreign]) => {
      const names = catalog.services.get(serviceNamespace)?.actions ?? [];
      const actions = picks.map((p) => {
        const name = names[p % names.length] as string;
        return upper ? name.toUpperCase() : name;
      });
      return { serviceNamespace, actions: foreign === undefined ? actions : [...actions, foreign] };
    }),
);

// ---------------------------------------------------------------------------
// The oracle

function parsed(document: unknown): NonNullable<ReturnType<typeof parsedOrUndefined>> {
  const policy = parsedOrUndefined(document);
  if (policy === undefined) throw new Error(`does not parse: ${JSON.stringify(document)}`);
  return policy;
}

function parsedOrUndefined(document: unknown) {
  const result = parsePolicy(JSON.stringify(document));
  return result.ok ? result.policy : undefined;
}

function unusedTest(findings: readonly UnusedPermission[]): (action: string) => boolean {
  const whole = new Set(findings.filter((f) => f.actions === undefined).map((f) => f.serviceNamespace));
  const names = new Set(
    findings.flatMap((f) => (f.actions ?? []).map((a) => `${f.serviceNamespace}:${a}`.toLowerCase())),
  );
  return (action) => names.has(action.toLowerCase()) || whole.has(action.slice(0, action.indexOf(':')));
}

/** Every (action, resource, context) where the recommendation breaks the guarantee, described. */
function violations(
  original: unknown,
  recommended: unknown,
  findings: readonly UnusedPermission[],
): string[] {
  const before = parsed(original);
  const after = recommended === undefined ? undefined : parsed(recommended);
  const isUnused = unusedTest(findings);
  const broken: string[] = [];
  for (const action of universe)
    for (const resource of resources)
      for (const context of contexts) {
        const request: EvaluationRequest = { principal, action, resource, context };
        const allowedBefore = evaluate(request, { identityPolicies: [before] }).decision === 'Allow';
        const allowedAfter =
          after !== undefined && evaluate(request, { identityPolicies: [after] }).decision === 'Allow';
        const where = `${action} on ${resource} with team=${context['aws:PrincipalTag/team']}`;
        if (allowedAfter && !allowedBefore) broken.push(`new access: ${where}`);
        else if (isCatalogAction.has(action.toLowerCase())) {
          if (allowedAfter && isUnused(action)) broken.push(`unused still allowed: ${where}`);
          if (!allowedAfter && allowedBefore && !isUnused(action)) broken.push(`used removed: ${where}`);
        }
      }
  return broken;
}

describe('coversEveryExtension', () => {
  const text = variable('action', 'string');
  it('says whether prefix* lies within the glob, as the solver decides over all strings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 4 }),
        (pattern, prefix) => {
          const outside = and(
            matches(text, concat([literal(prefix), ANY_STRING])),
            not(matches(text, glob(pattern))),
          );
          expect(coversEveryExtension(pattern, prefix)).toBe(solve(outside).status === 'unsat');
        },
      ),
      { numRuns: runs * 10 },
    );
  });
});

describe('refinePolicy against the concrete evaluator', () => {
  it('the universe holds catalog actions and actions outside the catalog', () => {
    expect(catalogActions.length).toBeGreaterThan(60);
    expect(futureActions.filter((a) => isCatalogAction.has(a.toLowerCase()))).toEqual([]);
  });

  it('allows exactly the used actions the original allowed, and nothing the original did not', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.array(findingArbitrary, { maxLength: 3 }), (policy, findings) => {
        const result = refinePolicy({ policyDocument: policy, unusedPermissions: findings, catalog });
        if (!result.ok) throw new Error(`${result.path}: ${result.message}`);
        expect(result.recommendedAction === 'DETACH_POLICY').toBe(result.recommendedPolicy === undefined);
        expect(violations(policy, result.recommendedPolicy, findings)).toEqual([]);
      }),
      { numRuns: runs },
    );
  });
});
