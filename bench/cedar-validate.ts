// Strict validation time, Keyaki against cedar-wasm, on the policies and
// schemas of the Cedar integration-test corpus. Both sides get the schema as
// `.cedarschema` text and the policies in the JSON policy format, so both
// parse the schema and read the policies inside the timed region.
//
// The corpus holds longs beyond 2^53, which a JavaScript number rounds (up to
// 2^63, out of Cedar's range). cedar-wasm only takes JSON policies as
// JavaScript values, so it gets `policyToJson`'s numbers; Keyaki gets the same
// JSON with exact bigints, so its checksum can be held to `shouldValidate`.
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { parseCedarSchema, parsePolicies, policyToEst, validateEstPolicies } from '../src/cedar/index.js';
import { corpusArchive } from '../test/cedar/official-tests.js';

interface Case {
  readonly schema: string;
  /** The policies in the JSON policy format as cedar-wasm's `policyToJson` gives them. */
  readonly policies: Record<string, unknown>;
  /** The same JSON with every long exact. */
  readonly exactPolicies: Record<string, unknown>;
  readonly policyText: string;
  readonly shouldValidate: boolean;
}

/** The policies of a policy set in the JSON policy format with exact longs, keyed `policy0, policy1, ...`. */
function exactEst(text: string): Record<string, unknown> {
  const parsed = parsePolicies(text);
  if (!parsed.ok)
    throw new Error(`keyaki does not parse a policy set cedar-wasm parses: ${parsed.errors[0]?.message}`);
  return Object.fromEntries(parsed.policies.map((policy, index) => [`policy${index}`, policyToEst(policy)]));
}

function loadCases(): Case[] {
  const files = corpusArchive();
  const cases: Case[] = [];
  for (const [path, text] of files) {
    if (!path.endsWith('.json') || path.endsWith('.entities.json')) continue;
    const test = JSON.parse(text) as { policies: string; schema: string; shouldValidate: boolean };
    const parts = wasm.policySetTextToParts(files.get(test.policies) ?? '');
    if (parts.type !== 'success') continue;
    const policies: Record<string, unknown> = {};
    parts.policies.forEach((policy, index) => {
      const json = wasm.policyToJson(policy);
      if (json.type === 'success') policies[`policy${index}`] = json.json;
    });
    const policyText = files.get(test.policies) ?? '';
    cases.push({
      schema: files.get(test.schema) ?? '',
      policies,
      exactPolicies: exactEst(policyText),
      policyText,
      shouldValidate: test.shouldValidate,
    });
  }
  return cases;
}

function time(label: string, rounds: number, run: () => number): number {
  run();
  // CPU time rather than wall time: the machine is shared, and waiting for a core is not work.
  const start = process.cpuUsage();
  let checksum = 0;
  for (let round = 0; round < rounds; round += 1) checksum += run();
  const used = process.cpuUsage(start);
  const perRound = (used.user + used.system) / 1e3 / rounds;
  console.log(
    `${label.padEnd(26)} ${perRound.toFixed(1).padStart(8)} ms CPU per pass over the corpus (checksum ${checksum / rounds})`,
  );
  return perRound;
}

const cases = loadCases();
const policyCount = cases.reduce((sum, item) => sum + Object.keys(item.policies).length, 0);
console.log(
  `Cedar validation: ${cases.length} schemas, ${policyCount} policies from the integration-test corpus`,
);
console.log(
  `expected checksum (test sets with shouldValidate false): ${cases.filter((item) => !item.shouldValidate).length}`,
);
const rounds = Number(process.env['ROUNDS'] ?? 5);
const keyaki = time('keyaki', rounds, () => {
  let invalid = 0;
  for (const item of cases) {
    const schema = parseCedarSchema(item.schema);
    if (!schema.ok) continue;
    const result = validateEstPolicies(schema.value, item.exactPolicies);
    if (!result.ok || result.result.errors.length > 0) invalid += 1;
  }
  return invalid;
});
// cedar-wasm reads policy text faster than the JSON format, so it gets both.
time('cedar-wasm, policy text', rounds, () => {
  let invalid = 0;
  for (const item of cases) {
    const answer = wasm.validate({ schema: item.schema, policies: { staticPolicies: item.policyText } });
    if (answer.type !== 'success' || answer.validationErrors.length > 0) invalid += 1;
  }
  return invalid;
});
const oracle = time('cedar-wasm, JSON policies', rounds, () => {
  let invalid = 0;
  for (const item of cases) {
    const answer = wasm.validate({
      schema: item.schema,
      policies: { staticPolicies: item.policies as Record<string, wasm.PolicyJson> },
    });
    if (answer.type !== 'success' || answer.validationErrors.length > 0) invalid += 1;
  }
  return invalid;
});
console.log(`ratio keyaki / cedar-wasm (same inputs): ${(keyaki / oracle).toFixed(2)}`);
