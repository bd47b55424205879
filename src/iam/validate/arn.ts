// Checks of ARNs as written in Resource, NotResource and principals: the
// fixed `arn:partition:service:region:account:resource` shape. Segments that
// hold a wildcard or a policy variable can be anything, so they are not judged.
import type { Pattern } from '../model.js';

export type ArnIssueCode =
  | 'INVALID_ARN_PREFIX'
  | 'MISSING_ARN_FIELD'
  | 'INVALID_PARTITION'
  | 'INVALID_ARN_SERVICE_CASE'
  | 'INVALID_ARN_REGION'
  | 'INVALID_ARN_ACCOUNT'
  | 'INVALID_ARN_RESOURCE'
  | 'ARN_ACCOUNT_NOT_ALLOWED'
  | 'ARN_REGION_NOT_ALLOWED';

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

const regionPattern = /^[a-z]{2,4}(-(gov|iso[a-z]?))?-[a-z]+-\d{1,2}$/;
const accountPattern = /^(\d{12}|aws)$/;
/** Services whose ARNs never name a Region. */
const globalServices: ReadonlySet<string> = new Set(['iam', 'sts', 'route53', 'cloudfront', 'organizations']);

/** Stands in for a wildcard or variable: it never equals `:` and marks the segment as open. */
const open = '\u0000';

interface ArnSegments {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** The six segments, with `\u0000` where a wildcard or variable stands; undefined when fewer than six. */
function segmentsOf(pattern: Pattern): ArnSegments | { readonly missing: true; readonly prefix: string } {
  const fields = masked(pattern).split(':');
  const [prefix = '', partition, service, region, account] = fields;
  if (
    partition === undefined ||
    service === undefined ||
    region === undefined ||
    account === undefined ||
    fields.length < 6
  ) {
    return { missing: true, prefix };
  }
  return { partition, service, region, account, resource: fields.slice(5).join(':') };
}

const isOpen = (segment: string): boolean => segment.includes(open);

/** Every issue with an ARN pattern; an empty list for `*` and for a well-formed ARN. */
export function checkArn(pattern: Pattern): ArnIssue[] {
  if (pattern.parts.length === 1 && pattern.parts[0]?.kind === 'wildcard' && pattern.raw === '*') return [];
  const segments = segmentsOf(pattern);
  const raw = pattern.raw;
  if ('missing' in segments) {
    if (isOpen(segments.prefix) || (segments.prefix === 'arn' && masked(pattern).includes(open))) return [];
    if (segments.prefix !== 'arn')
      return [{ code: 'INVALID_ARN_PREFIX', message: `\`${raw}\` does not start with \`arn:\`` }];
    return [
      {
        code: 'MISSING_ARN_FIELD',
        message: `ARN \`${raw}\` needs six fields: \`arn:partition:service:region:account:resource\``,
      },
    ];
  }
  const { partition, service, region, account, resource } = segments;
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
  const lowerService = service.toLowerCase();
  if (!isOpen(region) && region !== '') {
    if (globalServices.has(lowerService)) {
      issues.push({
        code: 'ARN_REGION_NOT_ALLOWED',
        message: `service \`${lowerService}\` ARNs name no Region: remove \`${region}\` from \`${raw}\``,
      });
    } else if (!regionPattern.test(region)) {
      issues.push({ code: 'INVALID_ARN_REGION', message: `\`${region}\` in ARN \`${raw}\` is not a Region` });
    }
  }
  if (!isOpen(account) && account !== '') {
    if (lowerService === 's3' && region === '') {
      issues.push({
        code: 'ARN_ACCOUNT_NOT_ALLOWED',
        message: `S3 bucket and object ARNs name no account: remove \`${account}\` from \`${raw}\``,
      });
    } else if (!accountPattern.test(account)) {
      issues.push({
        code: 'INVALID_ARN_ACCOUNT',
        message: `\`${account}\` in ARN \`${raw}\` is not a 12-digit account id`,
      });
    }
  }
  if (resource === '') {
    issues.push({ code: 'INVALID_ARN_RESOURCE', message: `ARN \`${raw}\` has an empty resource` });
  }
  return issues;
}

function masked(pattern: Pattern): string {
  return pattern.parts.map((part) => (part.kind === 'literal' ? part.text : open)).join('');
}
