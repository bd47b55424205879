// What every check of the validator shares: the policy types and the way a
// check reports a finding.
import type { ActionCatalog } from '../catalog.js';
import type { Location } from '../model.js';
import type { ConditionKeyCatalog } from './condition-keys.js';
import type { IssueCode } from './issues.js';

export type PolicyType =
  'IDENTITY_POLICY' | 'RESOURCE_POLICY' | 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

export const policyTypes: readonly PolicyType[] = [
  'IDENTITY_POLICY',
  'RESOURCE_POLICY',
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
];

export type Report = (issueCode: IssueCode, findingDetails: string, location: Location) => void;

export interface Checking {
  readonly catalog: ActionCatalog;
  readonly conditionKeys: ConditionKeyCatalog | undefined;
  readonly report: Report;
}
