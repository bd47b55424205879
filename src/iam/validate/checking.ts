// What every check of the validator shares: the policy types and the way a
// check reports a finding.
import type { ActionCatalog } from '../catalog.js';
import type { Location } from '../model.js';
import type { ArnFormatCatalog } from './arn-formats.js';
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

/**
 * The catalogs validation consults. Without condition keys, service condition
 * keys (`s3:prefix`) are not judged; without ARN formats, where a Region or
 * account belongs in an ARN is not judged. Action and global key checks always run.
 */
export interface ValidationCatalogs {
  readonly actions: ActionCatalog;
  readonly conditionKeys?: ConditionKeyCatalog;
  readonly arnFormats?: ArnFormatCatalog;
}

export interface Checking {
  readonly catalogs: ValidationCatalogs;
  readonly report: Report;
}
