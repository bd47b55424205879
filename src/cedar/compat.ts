// Functions with the names, arguments and answers of
// `@cedar-policy/cedar-wasm` 4.13, so that code written against the official
// package can switch to Keyaki. Each area adds its calls here.

export {
  checkParseSchema,
  schemaToJson,
  schemaToText,
  type CheckParseAnswer,
  type CompatSchema as Schema,
  type DetailedError,
  type SchemaToJsonAnswer,
  type SchemaToTextAnswer,
  type SourceLabel,
} from './schema/compat.js';
export {
  validateCall as validate,
  getValidRequestEnvsPolicy,
  getValidRequestEnvsTemplate,
  getCedarLangVersion,
  type GetValidRequestEnvsResult,
  type CompatPolicySet as PolicySet,
  type CompatValidationError as ValidationError,
  type ValidationAnswer,
  type ValidationCall,
} from './validator/compat.js';
export type { SchemaJson } from './schema/json-types.js';
export {
  isAuthorized,
  statefulIsAuthorized,
  preparsePolicySet,
  preparseSchema,
  checkParsePolicySet,
  checkParseEntities,
  type AuthorizationAnswer,
  type AuthorizationCall,
  type AuthorizationError,
  type CompatAuthorizationPolicySet,
  type CompatTemplateLink as TemplateLink,
  type StatefulAuthorizationCall,
} from './compat-authorize.js';
export * from './compat-format.js';
