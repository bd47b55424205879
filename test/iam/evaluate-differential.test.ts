// Differential specification of the concrete evaluator: on thousands of
// generated scenarios (a caller, a request, identity policies, a permissions
// boundary, a session policy, a resource policy, a VPC endpoint policy, SCP and
// RCP levels, all drawn from one shared vocabulary), Keyaki's decision equals
// that of @cloud-copilot/iam-simulate, an independent implementation. The only
// disagreements tolerated are the classes documented in
// test/iam/KNOWN_DIFFERENCES.md (test/iam/known-differences.ts), and only when
// taking their constructs out of the scenario makes the two agree again; any
// other disagreement fails with a shrunk scenario. Set DIFFERENTIAL_RUNS to run
// more cases locally.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadActionCatalog } from '../../src/iam/catalog.js';
import { keyakiEvaluation, oracleOutcome, type Decision } from './evaluator-adapters.js';
import { scenarioActions, scenarioArbitrary, specialResourceKinds, type Scenario } from './iam-generators.js';
import { knownDifferences, type KnownDifference } from './known-differences.js';

/** Cases per run; the file stays well under a minute on two shared cores. */
const runs = Number(process.env.DIFFERENTIAL_RUNS ?? 2000);
const seed = 20261122;

interface Tally {
  agreed: Record<Decision, number>;
  refusedByOracle: number;
  excused: Record<string, number>;
}

const emptyTally = (): Tally => ({
  agreed: { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 },
  refusedByOracle: 0,
  excused: {},
});

type Verdict =
  | { readonly kind: 'agree'; readonly decision: Decision }
  | { readonly kind: 'refused' }
  | { readonly kind: 'excused'; readonly by: KnownDifference }
  | { readonly kind: 'disagree'; readonly keyaki: Decision; readonly oracle: Decision };

async function decisions(scenario: Scenario): Promise<{ keyaki: Decision; oracle: Decision } | undefined> {
  const oracle = await oracleOutcome(scenario);
  if (oracle.kind === 'refused') return undefined;
  return { keyaki: keyakiEvaluation(scenario, oracle.ignoredContextKeys).decision, oracle: oracle.decision };
}

/**
 * A disagreement is excused when known classes apply and, with every
 * applicable construct taken out, the evaluators agree again (or a class is a
 * whole service's behaviour and cannot be taken out).
 */
async function compare(scenario: Scenario): Promise<Verdict> {
  const decided = await decisions(scenario);
  if (decided === undefined) return { kind: 'refused' };
  const { keyaki, oracle } = decided;
  if (keyaki === oracle) return { kind: 'agree', decision: keyaki };
  const applicable = knownDifferences.filter((difference) => difference.applies(scenario));
  const first = applicable[0];
  if (first === undefined) return { kind: 'disagree', keyaki, oracle };
  const wholeService = applicable.find((difference) => difference.neutralize === undefined);
  if (wholeService !== undefined) return { kind: 'excused', by: wholeService };
  const neutralized = applicable.reduce(
    (current, difference) => difference.neutralize?.(current) ?? current,
    scenario,
  );
  const after = await decisions(neutralized);
  return after !== undefined && after.keyaki === after.oracle
    ? { kind: 'excused', by: first }
    : { kind: 'disagree', keyaki, oracle };
}

async function runDifferential(arbitrary: fc.Arbitrary<Scenario>, numRuns: number): Promise<Tally> {
  const tally = emptyTally();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (scenario) => {
      const verdict = await compare(scenario);
      switch (verdict.kind) {
        case 'agree':
          tally.agreed[verdict.decision]++;
          return;
        case 'refused':
          tally.refusedByOracle++;
          return;
        case 'excused':
          tally.excused[verdict.by.id] = (tally.excused[verdict.by.id] ?? 0) + 1;
          return;
        case 'disagree':
          throw new Error(`keyaki decides ${verdict.keyaki}, iam-simulate ${verdict.oracle}`);
        default: {
          const unreachable: never = verdict;
          return unreachable;
        }
      }
    }),
    { seed, numRuns, endOnFailure: false },
  );
  return tally;
}

describe('the concrete evaluator against iam-simulate', () => {
  it('uses only real actions from the catalog', async () => {
    const catalog = await loadActionCatalog();
    const known = (action: string): boolean => {
      const [service = '', name = ''] = action.split(':');
      return catalog.services.get(service)?.byLowerName.has(name.toLowerCase()) === true;
    };
    const allActions = [...scenarioActions, ...specialResourceKinds.flatMap((kind) => kind.actions)];
    expect(allActions.filter((action) => !known(action))).toEqual([]);
  });

  it(`decides ${runs} generated scenarios as iam-simulate does, outside the documented known differences`, async () => {
    const tally = await runDifferential(scenarioArbitrary(), runs);
    console.log(`evaluate-differential: ${JSON.stringify(tally)}`);
    const compared = runs - tally.refusedByOracle;
    // Not vacuous: nearly every scenario is one both evaluators decide, and each decision is at least one in twenty.
    expect(tally.refusedByOracle).toBeLessThan(runs * 0.02);
    for (const decision of ['Allow', 'ExplicitDeny', 'ImplicitDeny'] as const) {
      expect(tally.agreed[decision]).toBeGreaterThan(compared * 0.05);
    }
    const excused = Object.values(tally.excused).reduce((sum, count) => sum + count, 0);
    expect(excused).toBeLessThan(compared * 0.1);
  });

  it(`decides ${Math.round(runs / 6)} scenarios on KMS keys and IAM roles (sts:AssumeRole) as iam-simulate does, outside the known differences`, async () => {
    const tally = await runDifferential(scenarioArbitrary({ specialServices: true }), Math.round(runs / 6));
    console.log(`evaluate-differential (KMS, STS): ${JSON.stringify(tally)}`);
    expect(tally.refusedByOracle).toBeLessThan((runs / 6) * 0.02);
  });

  describe('each known difference is real and recognised', () => {
    for (const difference of knownDifferences) {
      it(`${difference.id}: the reproducer disagrees as documented and the predicate names it`, async () => {
        const oracle = await oracleOutcome(difference.reproducer);
        expect(oracle.kind).toBe('decided');
        if (oracle.kind !== 'decided') return;
        expect(oracle.decision).toBe(difference.oracleDecides);
        expect(keyakiEvaluation(difference.reproducer, oracle.ignoredContextKeys).decision).toBe(
          difference.keyakiDecides,
        );
        expect(difference.applies(difference.reproducer)).toBe(true);
      });
    }
  });
});
