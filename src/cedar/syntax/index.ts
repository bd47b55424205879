// The Cedar policy syntax: the policy AST, the text parser with Cedar's error
// messages, the JSON policy format (EST) both ways, and template linking.
export type {
  ActionConstraint,
  Annotation,
  BinaryOp,
  Comment,
  Condition,
  Effect,
  EntityTarget,
  EntityUid,
  Expr,
  ExprNode,
  Literal,
  PatternElement,
  Policy,
  ScopeConstraint,
  SlotId,
  SourceSpan,
  Var,
} from './ast.js';
export { utf8Span, type ParseError } from './errors.js';
export { isEntityTypeName } from './convert.js';
export { extensionCallStyle, type CallStyle } from './functions.js';
export {
  parsePolicies,
  parseExpression,
  type ParseOptions,
  type ParseResult,
  type ExpressionResult,
} from './parse.js';
export {
  policyToEst,
  exprToEst,
  policyFromEst,
  exprFromEst,
  estToJsonText,
  compareCodePoints,
  type EstJson,
  type EstObject,
  type EstResult,
  type EstExprResult,
} from './est.js';
export { linkTemplate, templateSlots, type LinkResult, type LinkValues } from './link.js';
