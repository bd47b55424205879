// Template linking: a template with its slots replaced by entities is a static
// policy. The slots given must be exactly the slots the template has, as Cedar
// requires, and the errors say which are missing or extra in Cedar's words.
import type { EntityTarget, EntityUid, Expr, Policy, ScopeConstraint, SlotId } from './ast.js';

export type LinkValues = Readonly<Partial<Record<SlotId, EntityUid>>>;

/** `Body` is the expression type of the conditions, untouched by linking. */
export type LinkResult<Body = Expr> =
  { readonly ok: true; readonly policy: Policy<Body> } | { readonly ok: false; readonly message: string };

const SLOTS: readonly SlotId[] = ['?principal', '?resource'];

function scopeSlot(scope: ScopeConstraint): SlotId | undefined {
  if (scope.op === 'all') return undefined;
  const target = scope.op === 'is' ? scope.in : scope.target;
  return target?.kind === 'slot' ? target.id : undefined;
}

/** The slots of a template, in the order `?principal`, `?resource`. */
export function templateSlots<Body>(template: Policy<Body>): SlotId[] {
  const slots = new Set([scopeSlot(template.principal), scopeSlot(template.resource)]);
  return SLOTS.filter((slot) => slots.has(slot));
}

function linkTarget(target: EntityTarget, values: LinkValues): EntityTarget {
  if (target.kind === 'entity') return target;
  const uid = values[target.id];
  // INVARIANT: linkTemplate checked that every slot of the template has a value.
  if (uid === undefined) throw new Error(`slot ${target.id} has no value`);
  return { kind: 'entity', uid };
}

function linkScope(scope: ScopeConstraint, values: LinkValues): ScopeConstraint {
  switch (scope.op) {
    case 'all':
      return scope;
    case '==':
    case 'in':
      return { ...scope, target: linkTarget(scope.target, values) };
    case 'is':
      return scope.in === undefined ? scope : { ...scope, in: linkTarget(scope.in, values) };
    default: {
      const unreachable: never = scope;
      return unreachable;
    }
  }
}

/** Links `template` with one entity per slot into the static policy `id`. */
export function linkTemplate<Body = Expr>(
  template: Policy<Body>,
  values: LinkValues,
  id: string,
): LinkResult<Body> {
  const slots = templateSlots(template);
  const given = SLOTS.filter((slot) => values[slot] !== undefined);
  // Listed `?resource` first, in the order cedar-wasm lists them.
  const missing = slots.filter((slot) => !given.includes(slot)).reverse();
  const extra = given.filter((slot) => !slots.includes(slot)).reverse();
  const problems = [
    ...(missing.length > 0
      ? [`the following slots were not provided as arguments: ${missing.join(',')}`]
      : []),
    ...(extra.length > 0
      ? [
          `the following slots were provided as arguments, but did not exist in the template: ${extra.join(',')}`,
        ]
      : []),
  ];
  if (problems.length > 0) {
    // Cedar joins the two sentences, the second capitalized.
    const message = problems
      .map((problem, index) => (index === 0 ? problem : problem.replace(/^t/, 'T')))
      .join('. ');
    return { ok: false, message };
  }
  return {
    ok: true,
    policy: {
      ...template,
      id,
      kind: 'static',
      principal: linkScope(template.principal, values),
      resource: linkScope(template.resource, values),
    },
  };
}
