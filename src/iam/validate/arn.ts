// Syntax checks of ARNs as written in Resource and NotResource: the fixed
// `arn:partition:service:region:account:resource` shape. Segments that hold a
// wildcard or a policy variable can be anything, so they are not judged.
// Where a Region or account belongs is the ARN formats' business (arn-formats.ts).
import type { Pattern } from '../model.js';
import type { WrittenArn } from './arn-formats.js';

export type ArnIssueCode =
  | 'INVALID_ARN_PREFIX'
  | 'MISSING_ARN_FIELD'
  | 'INVALID_PARTITION'
  | 'INVALID_ARN_SERVICE_CASE'
  | 'INVALID_ARN_REGION'
  | 'INVALID_ARN_ACCOUNT'
  | 'INVALID_ARN_RESOURCE';

export interface ArnIssue {
  readonly code: ArnIssueCode;
  readonly message: string;
}

const partitions: ReadonlySet<string> = new Set([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
]);

/** The shape of Region codes: `us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`, `eusc-de-east-1`. */
export const regionPattern = /^[a-z]{2,4}(-(gov|iso[a-z]?))?-[a-z]+-\d{1,2}$/;
const accountPattern = /^(\d{12}|aws)$/;

/** Stands in for a wildcard or variable: it never equals `:` and marks the segment as open. */
const open = '\u0000';

function masked(pattern: Pattern): string {
  return pattern.parts.map((part) => (part.kind === 'literal' ? part.text : open)).join('');
}

const isOpen = (segment: string): boolean => segment.includes(open);

type Fields =
  | { readonly complete: true; readonly fields: readonly [string, string, string, string, string, string] }
  | { readonly complete: false; readonly prefix: string };

/** The six fields, with `\u0000` where a wildcard or variable stands. */
function fieldsOf(pattern: Pattern): Fields {
  const fields = masked(pattern).split(':');
  const [prefix = '', partition, service, region, account] = fields;
  if (partition === undefined || service === undefined || region === undefined || account === undefined) {
    return { complete: false, prefix };
  }
  if (fields.length < 6) return { complete: false, prefix };
  return { complete: true, fields: [prefix, partition, service, region, account, fields.slice(5).join(':')] };
}

/** Every syntax issue of an ARN pattern; an empty list for `*` and for a well-formed ARN. */
export function checkArn(pattern: Pattern): ArnIssue[] {
  const raw = pattern.raw;
  if (raw === '*') return [];
  const shape = fieldsOf(pattern);
  if (!shape.complete) {
    // A wildcard may stand for the missing colons, as in `arn:aws:s3:*`.
    if (isOpen(shape.prefix) || (shape.prefix === 'arn' && masked(pattern).includes(open))) return [];
    if (shape.prefix !== 'arn')
      return [{ code: 'INVALID_ARN_PREFIX', message: `\`${raw}\` does not start with \`arn:\`` }];
    return [
      {
        code: 'MISSING_ARN_FIELD',
        message: `ARN \`${raw}\` needs six fields: \`arn:partition:service:region:account:resource\``,
      },
    ];
  }
  const [, partition, service, region, account, resource] = shape.fields;
  const issues: ArnIssue[] = [];
  if (!isOpen(partition) && !partitions.has(partition)) {
    issues.push({
      code: 'INVALID_PARTITION',
      message: `ARN \`${raw}\` names the unknown partition \`${partition}\``,
    });
  }
  if (!isOpen(service) && service !== service.toLowerCase()) {
    issues.push({
      code: 'INVALID_ARN_SERVICE_CASE',
      message: `service \`${service}\` in ARN \`${raw}\` must be lower case: \`${service.toLowerCase()}\``,
    });
  }
  if (!isOpen(region) && region !== '' && !regionPattern.test(region)) {
    issues.push({ code: 'INVALID_ARN_REGION', message: `\`${region}\` in ARN \`${raw}\` is not a Region` });
  }
  if (!isOpen(account) && account !== '' && !accountPattern.test(account)) {
    issues.push({
      code: 'INVALID_ARN_ACCOUNT',
      message: `\`${account}\` in ARN \`${raw}\` is not a 12-digit account id`,
    });
  }
  if (resource === '')
    issues.push({ code: 'INVALID_ARN_RESOURCE', message: `ARN \`${raw}\` has an empty resource` });
  return issues;
}

/** The segments of a well-formed ARN for comparison with ARN formats; undefined when the service is open or fields are missing. */
export function writtenArn(pattern: Pattern): WrittenArn | undefined {
  const shape = fieldsOf(pattern);
  if (!shape.complete) return undefined;
  const [, , service, region, account, resource] = shape.fields;
  if (isOpen(service)) return undefined;
  const closed = (segment: string): string | undefined => (isOpen(segment) ? undefined : segment);
  const openAt = resource.indexOf(open);
  return {
    raw: pattern.raw,
    service,
    region: closed(region),
    account: closed(account),
    resource:
      openAt < 0 ? { prefix: resource, open: false } : { prefix: resource.slice(0, openAt), open: true },
  };
}
