// The policy-text calls of `@cedar-policy/cedar-wasm` 4.13 — formatPolicies,
// policyToText, policyToJson, templateToText, templateToJson and
// policySetTextToParts — with its argument and answer shapes and its wording.
import { formatPolicies as format, policyText } from './format/index.js';
import { detailedError, reportedTextErrors, type DetailedError } from './schema/compat.js';
import {
  estToJsonText,
  parsePolicies,
  policyFromEst,
  policyToEst,
  type EstJson,
  type EstObject,
  type ParseError,
  type Policy,
} from './syntax/index.js';

/** A policy or template as cedar-wasm takes it: Cedar text, or the JSON policy format as a value. */
export type CompatPolicy = string | EstObject;

export interface FormattingCall {
  policyText: string;
  lineWidth?: number;
  indentWidth?: number;
}

export type FormattingAnswer =
  { type: 'failure'; errors: DetailedError[] } | { type: 'success'; formatted_policy: string };
export type PolicyToTextAnswer =
  { type: 'success'; text: string } | { type: 'failure'; errors: DetailedError[] };
export type PolicyToJsonAnswer =
  { type: 'success'; json: EstObject } | { type: 'failure'; errors: DetailedError[] };
export type PolicySetTextToPartsAnswer =
  | { type: 'success'; policies: string[]; policy_templates: string[] }
  | { type: 'failure'; errors: DetailedError[] };

type Kind = Policy['kind'];

/** The slot Cedar names when a template is given for a policy: `?resource` before `?principal`. */
function reportedSlot(policy: Policy): string | undefined {
  return [policy.resource, policy.principal].flatMap((scope) => {
    if ((scope.op === '==' || scope.op === 'in') && scope.target.kind === 'slot') return [scope.target.id];
    return scope.op === 'is' && scope.in?.kind === 'slot' ? [scope.in.id] : [];
  })[0];
}

function wrongKind(expected: Kind, policy: Policy): { readonly message: string; readonly help: string } {
  return expected === 'template'
    ? {
        message: 'expected a template, got a static policy',
        help: 'a template should include slot(s) `?principal` or `?resource`',
      }
    : {
        message: `expected a static policy, got a template containing the slot ${reportedSlot(policy) ?? '?principal'}`,
        help: 'try removing the template slot(s) from this policy',
      };
}

type Read =
  { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly errors: DetailedError[] };

/** Exactly one policy of `kind` from Cedar text. */
function readText(text: string, kind: Kind): Read {
  const prefix = `failed to parse ${kind === 'static' ? 'policy' : 'template'} from string: `;
  const parsed = parsePolicies(text);
  if (!parsed.ok) return { ok: false, errors: reportedTextErrors(text, parsed.errors, prefix) };
  const [policy, second] = parsed.policies;
  const fail = (error: ParseError): Read => ({
    ok: false,
    errors: reportedTextErrors(text, [error], prefix),
  });
  if (policy === undefined) {
    return fail({ message: 'unexpected end of input', span: { start: text.length, end: text.length } });
  }
  if (second !== undefined) {
    const start = second.span?.start ?? 0;
    const token = /^[_a-zA-Z][_a-zA-Z0-9]*|^\S/.exec(text.slice(start))?.[0] ?? '';
    return fail({ message: `unexpected token \`${token}\``, span: { start, end: start + token.length } });
  }
  if (policy.kind !== kind) {
    const whole = policy.span ?? { start: 0, end: text.length };
    const slot = reportedSlot(policy);
    // A stray slot is shown where it is written; a missing one, on the whole policy.
    const slotAt = kind === 'static' && slot !== undefined ? text.indexOf(slot, whole.start) : -1;
    const span = slot !== undefined && slotAt >= 0 ? { start: slotAt, end: slotAt + slot.length } : whole;
    return fail({ ...wrongKind(kind, policy), span });
  }
  return { ok: true, policy };
}

/** Exactly one policy of `kind` from the JSON policy format. */
function readJson(json: EstObject, kind: Kind): Read {
  const prefix = `failed to parse ${kind === 'static' ? 'policy' : 'template'} from JSON: error deserializing a policy/template from JSON: `;
  const read = policyFromEst('policy0', json);
  if (!read.ok) return { ok: false, errors: [detailedError(`${prefix}${read.message}`, null)] };
  if (read.policy.kind !== kind) {
    const { message, help } = wrongKind(kind, read.policy);
    return { ok: false, errors: [detailedError(`${prefix}${message}`, null, undefined, help)] };
  }
  return { ok: true, policy: read.policy };
}

function read(policy: CompatPolicy, kind: Kind): Read {
  return typeof policy === 'string' ? readText(policy, kind) : readJson(policy, kind);
}

// cedar-wasm hands back JavaScript numbers, so integers beyond 2^53 lose digits as they do there.
// The text is written and read without recursion, so a chain of any length comes back.
function asJavaScript(value: EstJson): EstJson {
  return JSON.parse(estToJsonText(value)) as EstJson;
}

function toText(policy: CompatPolicy, kind: Kind): PolicyToTextAnswer {
  const result = read(policy, kind);
  if (!result.ok) return { type: 'failure', errors: result.errors };
  // Text keeps its own form, comments and all, as Cedar keeps the source of a parsed policy.
  return { type: 'success', text: typeof policy === 'string' ? policy : policyText(result.policy) };
}

function toJson(policy: CompatPolicy, kind: Kind): PolicyToJsonAnswer {
  const result = read(policy, kind);
  if (!result.ok) return { type: 'failure', errors: result.errors };
  return { type: 'success', json: asJavaScript(policyToEst(result.policy)) as EstObject };
}

/** Cedar's formatter over a policy set; see src/cedar/format. */
export function formatPolicies(call: FormattingCall): FormattingAnswer {
  const result = format(call.policyText, {
    ...(call.lineWidth === undefined ? {} : { lineWidth: call.lineWidth }),
    ...(call.indentWidth === undefined ? {} : { indentWidth: call.indentWidth }),
  });
  return result.ok
    ? { type: 'success', formatted_policy: result.text }
    : {
        type: 'failure',
        errors: reportedTextErrors(call.policyText, result.errors, 'cannot parse input policies: '),
      };
}

export function policyToText(policy: CompatPolicy): PolicyToTextAnswer {
  return toText(policy, 'static');
}

export function templateToText(template: CompatPolicy): PolicyToTextAnswer {
  return toText(template, 'template');
}

export function policyToJson(policy: CompatPolicy): PolicyToJsonAnswer {
  return toJson(policy, 'static');
}

export function templateToJson(template: CompatPolicy): PolicyToJsonAnswer {
  return toJson(template, 'template');
}

/** The text of each policy and each template of a policy set, in the order of their ids. */
export function policySetTextToParts(policySet: string): PolicySetTextToPartsAnswer {
  const parsed = parsePolicies(policySet);
  if (!parsed.ok) return { type: 'failure', errors: reportedTextErrors(policySet, parsed.errors, '') };
  // Cedar orders by id as strings: policy10 comes before policy2.
  const ordered = [...parsed.policies].sort((left, right) =>
    left.id < right.id ? -1 : left.id > right.id ? 1 : 0,
  );
  const source = (policy: Policy): string =>
    policy.span === undefined ? policyText(policy) : policySet.slice(policy.span.start, policy.span.end);
  return {
    type: 'success',
    policies: ordered.filter((policy) => policy.kind === 'static').map(source),
    policy_templates: ordered.filter((policy) => policy.kind === 'template').map(source),
  };
}
