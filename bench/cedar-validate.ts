// Strict validation time, Keyaki against cedar-wasm, on the policies and
// schemas of the Cedar integration-test corpus. Both sides get the schema as
// `.cedarschema` text and the policies in the JSON policy format, so both
// parse the schema and read the policies inside the timed region.
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { parseCedarSchema, validateEstPolicies } from '../src/cedar/index.js';
import { corpusArchive } from '../test/cedar/official-tests.js';

interface Case {
  readonly schema: string;
  readonly policies: Record<string, unknown>;
  readonly policyText: string;
}

function loadCases(): Case[] {
  const files = corpusArchive();
  const cases: Case[] = [];
  for (const [path, text] of files) {
    if (!path.endsWith('.json') || path.endsWith('.entities.json')) continue;
    const test = JSON.parse(text) as { policies: string; schema: string };
    const parts = wasm.policySetTextToParts(files.get(test.policies) ?? '');
    if (parts.type !== 'success') continue;
    const policies: Record<string, unknown> = {};
    parts.policies.forEach((policy, index) => {
      const json = wasm.policyToJson(policy);
      if (json.type === 'success') policies[`policy${index}`] = json.json;
    });
    cases.push({
      schema: files.get(test.schema) ?? '',
      policies,
      policyText: files.get(test.policies) ?? '',
    });
  }
  return cases;
}

function time(label: string, rounds: number, run: () => number): number {
  run();
  const start = process.hrtime.bigint();
  let checksum = 0;
  for (let round = 0; round < rounds; round += 1) checksum += run();
  const perRound = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
  console.log(
    `${label.padEnd(26)} ${perRound.toFixed(1).padStart(8)} ms per pass over the corpus (checksum ${checksum / rounds})`,
  );
  return perRound;
}

const cases = loadCases();
const policyCount = cases.reduce((sum, item) => sum + Object.keys(item.policies).length, 0);
console.log(
  `Cedar validation: ${cases.length} schemas, ${policyCount} policies from the integration-test corpus`,
);
const rounds = Number(process.env['ROUNDS'] ?? 5);
const keyaki = time('keyaki', rounds, () => {
  let invalid = 0;
  for (const item of cases) {
    const schema = parseCedarSchema(item.schema);
    if (!schema.ok) continue;
    const result = validateEstPolicies(schema.value, item.policies);
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
