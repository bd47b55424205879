import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../src/cedar/compat.js';

/** A small seeded generator, so that one fast-check integer determines a whole case. */
class Draw {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  int(bound: number): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % bound;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(percent: number): boolean {
    return this.int(100) < percent;
  }
}

// The shared pool every part of a case draws from, so that policies mention
// the entities, attributes and values the entities and requests have.
const TYPES = ['User', 'Group', 'Doc'] as const;
const IDS = ['a', 'b', 'c'] as const;
const STRINGS = ['', 'a', 'ab', 'b*', 'x\\ny'];
const LONGS = ['0', '1', '7', '-3', '9223372036854775807', '4611686018427387904'];
const IPS = ['10.0.0.1', '10.0.0.0/8', '127.0.0.1', '::1', 'ff00::/8', '192.168.1.1/24'];
const DECIMALS = ['0.0', '1.5', '-2.25', '922337203685477.5807'];
const DATETIMES = ['2024-01-01', '2024-02-29T12:00:00Z', '1969-12-31T23:59:59.999-0100'];
const DURATIONS = ['1d', '-2h30m', '1ms', '0s'];

type Uid = { type: string; id: string };

function uidText(uid: Uid): string {
  return `${uid.type}::${JSON.stringify(uid.id)}`;
}

function randomUid(draw: Draw): Uid {
  return { type: draw.pick(TYPES), id: draw.pick(IDS) };
}

function attributeJson(draw: Draw): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  if (draw.chance(70)) attrs['n'] = Number(draw.pick(LONGS.slice(0, 4)));
  if (draw.chance(70)) attrs['s'] = draw.pick(STRINGS);
  if (draw.chance(60)) attrs['flag'] = draw.chance(50);
  if (draw.chance(60)) attrs['owner'] = { __entity: randomUid(draw) };
  if (draw.chance(50)) attrs['tags'] = [draw.pick(STRINGS), draw.pick(STRINGS)];
  if (draw.chance(40)) attrs['ip'] = { __extn: { fn: 'ip', arg: draw.pick(IPS) } };
  if (draw.chance(30)) attrs['rec'] = { k: Number(draw.pick(LONGS.slice(0, 4))), s: draw.pick(STRINGS) };
  return attrs;
}

function entitiesJson(draw: Draw): unknown[] {
  const entities: unknown[] = [
    { uid: { type: 'Action', id: 'read' }, attrs: {}, parents: [{ type: 'Action', id: 'any' }] },
    { uid: { type: 'Action', id: 'write' }, attrs: {}, parents: [{ type: 'Action', id: 'any' }] },
    { uid: { type: 'Action', id: 'any' }, attrs: {}, parents: [] },
  ];
  for (const type of TYPES) {
    for (const id of IDS) {
      if (draw.chance(25)) continue;
      // Groups form a hierarchy only rarely, so that few cases are refused for a cycle.
      const parents = draw.chance(type === 'Group' ? 10 : 60) ? [{ type: 'Group', id: draw.pick(IDS) }] : [];
      const tags: Record<string, unknown> = draw.chance(40) ? { t: draw.pick(STRINGS), u: 1 } : {};
      entities.push({ uid: { type, id }, attrs: attributeJson(draw), parents, tags });
    }
  }
  return entities;
}

function variable(draw: Draw): string {
  return draw.pick(['principal', 'resource', 'principal', 'resource', 'action', 'context']);
}

function entityLiteral(draw: Draw): string {
  return uidText(randomUid(draw));
}

/** An expression meant to be Boolean, though some are ill-typed or fail, as in real policies. */
function boolExpr(draw: Draw, depth: number): string {
  const choice = draw.int(depth <= 0 ? 14 : 20);
  switch (choice) {
    case 0:
      return `${variable(draw)}.${draw.pick(['flag', 'n', 's'])}`;
    case 1:
      return `${variable(draw)} has ${draw.pick(['n', 's', 'flag', 'owner', 'rec', 'missing'])}`;
    case 2:
      return `${longExpr(draw, depth - 1)} ${draw.pick(['<', '<=', '>', '>=', '==', '!='])} ${longExpr(draw, depth - 1)}`;
    case 3:
      return `${variable(draw)} in ${draw.chance(70) ? `Group::${JSON.stringify(draw.pick(IDS))}` : `[${entityLiteral(draw)}, Action::"any"]`}`;
    case 4:
      return `${variable(draw)}.owner == ${draw.chance(50) ? variable(draw) : entityLiteral(draw)}`;
    case 5:
      return `${variable(draw)}.s like "${draw.pick(['*', 'a*', '*b', 'a\\*', '', '*x*'])}"`;
    case 6:
      return `${variable(draw)} is ${draw.pick(TYPES)}`;
    case 7:
      return `${variable(draw)}.tags.${draw.pick(['contains', 'containsAny', 'containsAll'])}(${draw.chance(50) ? JSON.stringify(draw.pick(STRINGS)) : `["${draw.pick(STRINGS.slice(0, 3))}"]`})`;
    case 8:
      return `${variable(draw)}.${draw.pick(['hasTag', 'getTag'])}("${draw.pick(['t', 'u', 'v'])}")${draw.chance(50) ? ' == "a"' : ''}`;
    case 9:
      return `ip("${draw.pick(IPS)}").${draw.pick(['isInRange', 'isLoopback', 'isMulticast', 'isIpv4'])}(${draw.chance(50) ? `ip("${draw.pick(IPS)}")` : ''})`;
    case 10:
      return `decimal("${draw.pick(DECIMALS)}").${draw.pick(['lessThan', 'greaterThanOrEqual'])}(decimal("${draw.pick(DECIMALS)}"))`;
    case 11:
      return `datetime("${draw.pick(DATETIMES)}").${draw.pick(['offset', 'durationSince'])}(${draw.chance(50) ? `duration("${draw.pick(DURATIONS)}")` : `datetime("${draw.pick(DATETIMES)}")`}) ${draw.pick(['<', '>=', '=='])} datetime("${draw.pick(DATETIMES)}")`;
    case 12:
      return `${variable(draw)}.ip.isInRange(ip("${draw.pick(IPS)}"))`;
    case 13:
      return `context.${draw.pick(['ok', 'level', 'missing'])}${draw.chance(50) ? ` == ${draw.pick(['true', '3', '"a"'])}` : ''}`;
    case 14:
      return `${boolExpr(draw, depth - 1)} && ${boolExpr(draw, depth - 1)}`;
    case 15:
      return `(${boolExpr(draw, depth - 1)} || ${boolExpr(draw, depth - 1)})`;
    case 16:
      return `!(${boolExpr(draw, depth - 1)})`;
    case 17:
      return `(if ${boolExpr(draw, depth - 1)} then ${boolExpr(draw, depth - 1)} else ${boolExpr(draw, depth - 1)})`;
    case 18:
      return `{a: ${longExpr(draw, depth - 1)}, b: [${variable(draw)}]} == {b: [${variable(draw)}], a: ${longExpr(draw, depth - 1)}}`;
    default:
      return `${variable(draw)}.rec.${draw.pick(['k', 's', 'z'])} == ${draw.pick(['1', '"a"', 'principal.n'])}`;
  }
}

function longExpr(draw: Draw, depth: number): string {
  const choice = draw.int(depth <= 0 ? 3 : 6);
  switch (choice) {
    case 0:
      return draw.pick(LONGS);
    case 1:
      return `${variable(draw)}.n`;
    case 2:
      return `duration("${draw.pick(DURATIONS)}").${draw.pick(['toHours', 'toMilliseconds', 'toDays'])}()`;
    case 3:
      return `(${longExpr(draw, depth - 1)} ${draw.pick(['+', '-', '*'])} ${longExpr(draw, depth - 1)})`;
    case 4:
      return `-${longExpr(draw, depth - 1)}`;
    default:
      return `context.level`;
  }
}

function scope(draw: Draw, variableName: 'principal' | 'resource'): string {
  switch (draw.int(4)) {
    case 0:
      return variableName;
    case 1:
      return `${variableName} == ${entityLiteral(draw)}`;
    case 2:
      return `${variableName} in Group::${JSON.stringify(draw.pick(IDS))}`;
    default:
      return `${variableName} is ${draw.pick(TYPES)}${draw.chance(50) ? ` in Group::${JSON.stringify(draw.pick(IDS))}` : ''}`;
  }
}

function policyText(draw: Draw): string {
  const action = draw.pick([
    'action',
    'action == Action::"read"',
    'action in [Action::"write", Action::"read"]',
    'action in Action::"any"',
  ]);
  const conditions = Array.from(
    { length: draw.int(3) },
    () => `${draw.pick(['when', 'unless'])} { ${boolExpr(draw, 2)} }`,
  );
  return `${draw.pick(['permit', 'permit', 'forbid'])}(${scope(draw, 'principal')}, ${action}, ${scope(draw, 'resource')}) ${conditions.join(' ')};`;
}

function randomCase(seed: number): wasm.AuthorizationCall {
  const draw = new Draw(seed);
  const policies = Array.from({ length: 1 + draw.int(5) }, () => policyText(draw)).join('\n');
  const context: Record<string, wasm.CedarValueJson> = {};
  if (draw.chance(60)) context['ok'] = draw.chance(50);
  if (draw.chance(60)) context['level'] = Number(draw.pick(LONGS.slice(0, 4)));
  return {
    principal: randomUid(draw),
    action: { type: 'Action', id: draw.pick(['read', 'write']) },
    resource: randomUid(draw),
    context,
    policies: { staticPolicies: policies },
    entities: entitiesJson(draw) as wasm.EntityJson[],
  };
}

function summary(answer: ReturnType<typeof wasm.isAuthorized> | ReturnType<typeof isAuthorized>): unknown {
  // Which vertex of a cycle Cedar names is arbitrary, so only the refusal itself is compared.
  if (answer.type === 'failure') return { failure: true };
  const { decision, diagnostics } = answer.response;
  return {
    decision,
    reason: [...diagnostics.reason].sort(),
    errors: diagnostics.errors.map((error) => error.policyId).sort(),
  };
}

describe('authorization, differentially against cedar-wasm', () => {
  it('agrees on decisions, reasons and erroring policies for random policies, entities and requests', () => {
    let erroring = 0;
    let allowed = 0;
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const call = randomCase(seed);
        const oracle = summary(wasm.isAuthorized(call));
        const ours = summary(isAuthorized(call));
        expect({ ours, policies: call.policies.staticPolicies }).toEqual({
          ours: oracle,
          policies: call.policies.staticPolicies,
        });
        const answer = ours as { decision?: string; errors?: string[] };
        if ((answer.errors?.length ?? 0) > 0) erroring += 1;
        if (answer.decision === 'allow') allowed += 1;
      }),
      { seed: 20261122, numRuns: 6000 },
    );
    // The generator must exercise both outcomes and the error paths, not only default deny.
    expect(allowed).toBeGreaterThan(600);
    expect(erroring).toBeGreaterThan(600);
  }, 90_000);
});
