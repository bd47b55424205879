// The public surface of Keyaki's IAM domain: everything other domains and
// users may import.
export type * from './model.js';
export { parsePolicy } from './parse/policy.js';
export type { ParseError, ParseErrorCode, ParseNote, ParseNoteCode, ParseResult } from './parse/policy.js';
export { parseOperatorName, operatorInfo } from './conditions.js';
export type { OperatorFamily, OperatorInfo } from './conditions.js';
export {
  loadValidationCatalogs,
  policyTypes,
  validatePolicy,
  validatePolicyWithCatalogs,
} from './validate/validate.js';
export type {
  PolicyType,
  ValidatePolicyFinding,
  ValidatePolicyInput,
  ValidatePolicyResult,
  ValidationCatalogs,
} from './validate/validate.js';
export type { FindingType, IssueCode } from './validate/issues.js';
export type { ConditionKeyCatalog } from './validate/condition-keys.js';
export type { ArnFormatCatalog } from './validate/arn-formats.js';
export { loadActionCatalog } from './catalog.js';
export type { ActionCatalog } from './catalog.js';
export { checkAccessNotGranted, checkNoNewAccess, checkNoPublicAccess, checkPolicyTypes } from './checks.js';
export type {
  Access,
  CheckAccessNotGrantedRequest,
  CheckInputError,
  CheckNoNewAccessOptions,
  CheckNoNewAccessRequest,
  CheckNoPublicAccessRequest,
  CheckOutcome,
  CheckPolicyType,
  CheckResponse,
  CheckResultValue,
  Counterexample,
  NewAccess,
  ReasonSummary,
} from './checks.js';
export { publicAccessResourceTypes } from './public-access.js';
export { findExternalAccess } from './external-access.js';
export type {
  ExternalAccessFinding,
  ExternalPrincipal,
  FindExternalAccessOutcome,
  FindExternalAccessRequest,
} from './external-access.js';
export type { PublicAccessResourceType } from './public-access.js';
export { refinePolicy, RefinementInvariantError, unusedPermissionsProblem } from './refine.js';
export type {
  EntryChange,
  RefineInputError,
  RefinePolicyInput,
  RefineResult,
  RefineWarning,
  StatementChange,
  UnusedPermission,
} from './refine.js';
export { evaluate, describeDenialReason } from './evaluate/evaluate.js';
export { compilePolicies } from './evaluate/compiled.js';
export type { CompiledPolicies } from './evaluate/compiled.js';
export type {
  DenialReason,
  EvaluationPolicies,
  EvaluationResult,
  MatchedStatement,
  PolicyInput,
  PolicyKind,
  PolicyReference,
  PolicySet,
} from './evaluate/evaluate.js';
export { parsePrincipal } from './evaluate/request.js';
export { missingContextKeys } from './evaluate/missing-keys.js';
export type { ContextScalar, ContextValue, EvaluationRequest, RequestPrincipal } from './evaluate/request.js';
export { evaluatePolicyText, parseEvaluationPolicies } from './evaluate/text.js';
// How the evaluator reads typed context values, so callers can reject what it would not match.
export { readBase64, readDate, readIp, readNumber } from './evaluate/values.js';
export type {
  EvaluationPolicyTexts,
  ParsedPolicies,
  PolicyText,
  PolicyTextError,
  TextEvaluationResult,
} from './evaluate/text.js';
