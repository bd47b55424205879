// What an Action or NotAction entry names in the action catalog: a wildcard
// that matches nothing is as useless as a misspelled action.
import type { ActionCatalog, CatalogService } from '../catalog.js';
import { matchesWildcard } from '../wildcard.js';

export type ActionLookup =
  | { readonly kind: 'everything' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'unknown-service'; readonly service: string }
  | { readonly kind: 'unknown-action'; readonly service: string; readonly action: string }
  | { readonly kind: 'known'; readonly service: string; readonly action: string };

const hasWildcard = (text: string): boolean => /[*?]/.test(text);

/** Looks an action pattern such as `s3:Get*` or `*:Describe*` up in the catalog. */
export function lookUpActionPattern(catalog: ActionCatalog, raw: string): ActionLookup {
  if (raw === '*') return { kind: 'everything' };
  const colon = raw.indexOf(':');
  if (colon <= 0 || colon === raw.length - 1) return { kind: 'malformed' };
  const service = raw.slice(0, colon);
  const action = raw.slice(colon + 1);
  const services = matchingServices(catalog, service);
  if (services.length === 0) return { kind: 'unknown-service', service };
  const found = services.some((candidate) =>
    hasWildcard(action)
      ? candidate.actions.some((name) => matchesWildcard(action, name, true))
      : candidate.byLowerName.has(action.toLowerCase()),
  );
  return found ? { kind: 'known', service, action } : { kind: 'unknown-action', service, action };
}

function matchingServices(catalog: ActionCatalog, service: string): CatalogService[] {
  if (!hasWildcard(service)) {
    const exact = catalog.services.get(service.toLowerCase());
    return exact === undefined ? [] : [exact];
  }
  return [...catalog.services.values()].filter((candidate) =>
    matchesWildcard(service, candidate.namespace, true),
  );
}

/** Does the service part of an action pattern hold a wildcard? */
export function serviceHasWildcard(raw: string): boolean {
  const colon = raw.indexOf(':');
  return colon > 0 && hasWildcard(raw.slice(0, colon));
}

/**
 * Is every string `narrower` matches also matched by `wider`? Exact for
 * patterns without wildcards; for wildcard patterns only the common
 * `prefix*` shape of `wider` is recognised, so the answer errs on "no".
 */
export function patternCovers(wider: string, narrower: string, ignoreCase: boolean): boolean {
  if (!hasWildcard(narrower)) return matchesWildcard(wider, narrower, ignoreCase);
  const fold = (text: string): string => (ignoreCase ? text.toLowerCase() : text);
  if (!wider.endsWith('*') || hasWildcard(wider.slice(0, -1))) return false;
  return fold(narrower).startsWith(fold(wider.slice(0, -1)));
}
