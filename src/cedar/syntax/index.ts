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
export { extensionCallStyle, type CallStyle } from './functions.js';
