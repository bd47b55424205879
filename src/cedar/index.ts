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

// Validation: policies (strict mode), requests and entities against a schema.
export {
  validatePolicies,
  validateEstPolicies,
  policiesFromEst,
  policyFromEst,
  parsePolicyText,
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
