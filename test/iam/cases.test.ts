// The worked examples of ../shared/iam-cases: every check gives the article's
// answer and, for a FAIL, names the statement the article names.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkAccessNotGranted,
  checkNoNewAccess,
  checkNoPublicAccess,
  type CheckOutcome,
  type CheckPolicyType,
} from '../../src/iam/checks.js';

interface WorkedCase {
  readonly id: string;
  readonly check: 'check-no-new-access' | 'check-access-not-granted' | 'check-no-public-access';
  readonly expected: 'PASS' | 'FAIL';
  readonly statementIndex?: number;
  readonly policyType?: CheckPolicyType;
  readonly resourceType?: string;
  readonly policy?: unknown;
  readonly existingPolicy?: unknown;
  readonly newPolicy?: unknown;
  readonly access?: readonly { actions?: string[]; resources?: string[] }[];
  readonly why: string;
}

const casesFile = fileURLToPath(new URL('../../../shared/iam-cases/cases.json', import.meta.url));
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as WorkedCase[];

/**
 * The articles write `"Principal": "123456789012"`, shorthand AWS itself
 * rejects; it means `{"AWS": "123456789012"}`, and that is what is checked.
 */
function document(policy: unknown): string {
  return JSON.stringify(policy, (key, value: unknown) =>
    (key === 'Principal' || key === 'NotPrincipal') && typeof value === 'string' && value !== '*'
      ? { AWS: value }
      : value,
  );
}

function run(worked: WorkedCase): Promise<CheckOutcome> {
  const policyType = worked.policyType ?? 'RESOURCE_POLICY';
  switch (worked.check) {
    case 'check-no-new-access':
      return checkNoNewAccess({
        existingPolicyDocument: document(worked.existingPolicy),
        newPolicyDocument: document(worked.newPolicy),
        policyType,
      });
    case 'check-access-not-granted':
      return checkAccessNotGranted({
        policyDocument: document(worked.policy),
        access: worked.access ?? [],
        policyType,
      });
    case 'check-no-public-access':
      return checkNoPublicAccess({
        policyDocument: document(worked.policy),
        resourceType: worked.resourceType ?? '',
      });
    default:
      return worked.check satisfies never;
  }
}

describe('the worked examples of ../shared/iam-cases', () => {
  it('are all present', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const worked of cases) {
    it(`${worked.id}: ${worked.expected} because ${worked.why}`, async () => {
      const outcome = await run(worked);
      if (!outcome.ok) throw new Error(outcome.errors.map((error) => error.message).join('; '));
      expect(outcome.response.result).toBe(worked.expected);
      if (worked.statementIndex !== undefined && outcome.response.result === 'FAIL') {
        expect(outcome.response.reasons.map((reason) => reason.statementIndex)).toEqual([
          worked.statementIndex,
        ]);
      }
    });
  }
});
