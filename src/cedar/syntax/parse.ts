// Entry points of the policy parser: text → policies (or one expression),
// through the concrete syntax tree, with Cedar's errors.
import type { Comment, Expr, Policy } from './ast.js';
import { Converter } from './convert.js';
import type { ParseError } from './errors.js';
import { tokenize } from './lexer.js';
import { Parser } from './parser.js';

export interface ParseOptions {
  /** Name policies by their `@id("...")` annotation, as the `cedar` command can. */
  readonly idAnnotation?: boolean;
}

export type ParseResult =
  | {
      readonly ok: true;
      readonly policies: readonly Policy[];
      /** Every `//` comment of the text, in order, for tools that print policies back. */
      readonly comments: readonly Comment[];
    }
  | { readonly ok: false; readonly errors: readonly ParseError[] };

/**
 * Reads a policy set in Cedar's text syntax. Policies are named `policy0`,
 * `policy1`, ... in order, templates included, as Cedar names them. Grammar
 * errors are reported alone (one per policy); otherwise every error of every
 * policy is.
 */
export function parsePolicies(text: string, options: ParseOptions = {}): ParseResult {
  const { tokens, comments } = tokenize(text);
  const converter = new Converter(text);
  const policies: Policy[] = [];
  let count = 0;
  // Policies are converted as they are read; the conversion errors count only if the grammar has none.
  const grammar = new Parser(tokens).policies((policy) => {
    const converted = converter.policy(policy, `policy${count}`, options.idAnnotation ?? false);
    count += 1;
    if (converted !== undefined) policies.push(converted);
  });
  // Read again, noting what was expected at each error, for the errors' labels.
  if (grammar.errors.length > 0)
    return { ok: false, errors: new Parser(tokens, true).policies(() => {}).errors };
  if (converter.errors.length > 0) return { ok: false, errors: converter.errors };
  const duplicate = firstDuplicateId(policies);
  if (duplicate !== undefined)
    return {
      ok: false,
      errors: [
        {
          message: `a policy with id \`${duplicate.id}\` already exists in the policy set`,
          span: duplicate.span ?? { start: 0, end: 0 },
        },
      ],
    };
  return { ok: true, policies, comments };
}

function firstDuplicateId(policies: readonly Policy[]): Policy | undefined {
  const ids = new Set<string>();
  for (const policy of policies) {
    if (ids.has(policy.id)) return policy;
    ids.add(policy.id);
  }
  return undefined;
}

export type ExpressionResult =
  { readonly ok: true; readonly expr: Expr } | { readonly ok: false; readonly errors: readonly ParseError[] };

/** Reads one Cedar expression, such as the argument of `cedar evaluate`. */
export function parseExpression(text: string): ExpressionResult {
  const { tokens } = tokenize(text);
  const cst = new Parser(tokens).expressionOnly();
  if (cst.expr === undefined) return { ok: false, errors: new Parser(tokens, true).expressionOnly().errors };
  const converter = new Converter(text);
  const expr = converter.expression(cst.expr);
  if (expr === undefined) return { ok: false, errors: converter.errors };
  return { ok: true, expr };
}
