// The public surface of Keyaki's Cedar engine: what other domains and users
// import. Each area adds its exports here.

// Schemas: both syntaxes, the resolved model, translation, action entities.
export {
  parseSchema,
  parseCedarSchema,
  parseSchemaSyntax,
  schemaToJson,
  schemaToText,
  schemaActionEntities,
  actionIsIn,
  uidKey,
  type ActionEntity,
  type ActionDef,
  type AppliesToDef,
  type AttributeType,
  type EntityTypeDef,
  type EntityUid,
  type RecordType,
  type Schema,
  type SchemaError,
  type SchemaFormat,
  type SchemaJson,
  type SchemaResult,
  type SchemaType,
  type SourceSpan,
} from './schema/index.js';

// Syntax: policy text with Cedar's errors, the policy AST, the JSON policy
// format (EST) both ways, template linking.
export {
  parsePolicies,
  parseExpression,
  policyToEst,
  exprToEst,
  policyFromEst,
  exprFromEst,
  estToJsonText,
  linkTemplate,
  templateSlots,
  extensionCallStyle,
  type ActionConstraint,
  type Annotation,
  type CallStyle,
  type Comment,
  type Condition,
  type Effect,
  type EntityTarget,
  type EstJson,
  type EstObject,
  type Expr,
  type LinkResult,
  type ParseError,
  type ParseOptions,
  type ParseResult,
  type PatternElement,
  type Policy,
  type ScopeConstraint,
  type LinkValues,
  type SlotId,
} from './syntax/index.js';

// Validation: policies (strict mode), requests and entities against a schema.
export {
  validatePolicies,
  validateEstPolicies,
  policiesFromEst,
  parsePolicyText,
  lowerPolicy,
  requestEnvironments,
  validateRequest,
  validateEntities,
  type ValidatorPolicy,
  type ValidationError,
  type ValidationErrorKind,
  type ValidationResult,
  type ValidationWarning,
  type ValidationWarningKind,
  type RequestInput,
  type SchemaEntity,
  type TypedValue,
  type ConformResult,
  type PolicyTextError,
  type PolicyTextResult,
} from './validator/index.js';

// The engine: policy sets compiled once, entities, requests and authorization.
export {
  parsePolicySet,
  policySetOf,
  isTemplate,
  makeRequest,
  parseEntities,
  isAuthorized,
  evaluateExpression,
  type ExpressionResult,
  type PolicySet,
  type PolicySetResult,
  type ParsePolicySetOptions,
  type RequestInput as AuthorizationRequestInput,
  type RequestResult,
} from './eval/api.js';
export {
  authorize,
  compilePolicy,
  CompiledPolicySet,
  type CompiledPolicy,
  type Decision,
  type PolicyError,
} from './eval/authorizer.js';
export {
  compileExpr,
  type Compiled,
  type Environment,
  type Request,
  type SlotValues,
} from './eval/evaluator.js';
export {
  parseJsonText,
  valueFromJson,
  type Entity,
  type EntityStore,
  type EntitiesResult,
} from './eval/entities.js';
export { JsonSyntaxError } from './eval/json-text.js';
export {
  EntityRef,
  SetValue,
  RecordValue,
  DecimalValue,
  IpValue,
  DatetimeValue,
  DurationValue,
  EvaluationError,
  valuesEqual,
  type Value,
} from './eval/values.js';
export { formatValue } from './eval/format-value.js';

// Formatting: Cedar's formatter, and policy text for policies read from JSON.
export {
  formatPolicies,
  policyText,
  type FormatError,
  type FormatOptions,
  type FormatResult,
} from './format/index.js';
