// Conditions compiled once for the compiled evaluator (compiled.ts): the key
// lower-cased, the operator's family and negation decided, and every policy
// value read into its type (numbers, dates, CIDR ranges, base64 bytes,
// prepared patterns) before any request arrives. What a value means is
// conditions.ts's (valueMatches); this file only moves the work that does not
// depend on the request out of the per-request path, and
// test/iam/evaluate-compiled.test.ts holds the two to the same results.
import { operatorInfo } from '../conditions.js';
import type { Condition, ConditionValue, Pattern } from '../model.js';
import {
  comparisonOf,
  compare,
  conditionShape,
  holdsOnEntry,
  type Comparison,
  type ConditionShape,
  type ValueVerdict,
} from './conditions.js';
import { compilePatterns, compiledPatternsMatch } from './compiled-patterns.js';
import {
  fixedPattern,
  listMatches,
  matchesText,
  patternList,
  substitute,
  type Substituted,
} from './match.js';
import type { NormalizedRequest } from './request.js';
import { inRange, readBase64, readCidr, readDate, readIp, readNumber } from './values.js';

/**
 * A condition ready for requests: its key lower-cased, its shape (set
 * operator, IfExists, negation, Null's answers) read off once, and its
 * verdict on one value prepared. One class, so that every condition has the
 * same layout and a request reads it from one object.
 */
export class CompiledCondition implements ConditionShape {
  readonly setOperator: ConditionShape['setOperator'];
  readonly ifExists: boolean;
  readonly negated: boolean;
  readonly nullHolds: ConditionShape['nullHolds'];
  private readonly key: string;
  private readonly onValue: ValueVerdict;

  constructor(condition: Condition) {
    const shape = conditionShape(condition);
    this.setOperator = shape.setOperator;
    this.ifExists = shape.ifExists;
    this.negated = shape.negated;
    this.nullHolds = shape.nullHolds;
    this.key = condition.key.toLowerCase();
    const anyMatch = anyValueMatches(condition);
    this.onValue = shape.negated ? (value, request) => !anyMatch(value, request) : anyMatch;
  }

  holds(request: NormalizedRequest): boolean {
    return holdsOnEntry(this, request.context.get(this.key), request, this.onValue);
  }
}

export const compileCondition = (condition: Condition): CompiledCondition => new CompiledCondition(condition);

const policyTexts = (values: readonly ConditionValue[]): string[] =>
  values.map((value) => String(value.value));

/** Whether some policy value matches one request value, in the operator's positive sense. */
function anyValueMatches(condition: Condition): ValueVerdict {
  const { base } = condition.operator;
  const patterns = condition.values.map((value) => value.pattern);
  const family = operatorInfo(condition.operator).family;
  switch (family) {
    case 'string': {
      const ignoreCase = base === 'StringEqualsIgnoreCase' || base === 'StringNotEqualsIgnoreCase';
      if (!ignoreCase) {
        const compiled = compilePatterns(patterns, 'text');
        return (value, request) => compiledPatternsMatch(compiled, value, request);
      }
      // Ignoring case, every pattern is compared unit by unit by matchesText, as the reference does.
      const list = patternList(patterns, false);
      const matches = (pattern: Substituted, text: string): boolean => matchesText(pattern, text, true);
      return (value, request) => listMatches(list, value, request, matches);
    }
    case 'arn': {
      const compiled = compilePatterns(patterns, 'arn');
      return (value, request) => compiledPatternsMatch(compiled, value, request);
    }
    case 'bool':
      return boolMatches(patterns);
    case 'numeric':
      return orderedMatches(policyTexts(condition.values), readNumber, comparisonOf[base] ?? 'eq');
    case 'date':
      return orderedMatches(policyTexts(condition.values), readDate, comparisonOf[base] ?? 'eq');
    case 'ip': {
      const ranges = policyTexts(condition.values).map(readCidr);
      return (value) => {
        const address = readIp(value);
        return (
          address !== undefined && ranges.some((range) => range !== undefined && inRange(range, address))
        );
      };
    }
    case 'binary': {
      const texts = policyTexts(condition.values);
      const expected = texts.map(readBase64);
      return (value) => {
        const actual = readBase64(value);
        return texts.some((text, index) => {
          const bytes = expected[index];
          return bytes !== undefined && actual !== undefined ? bytes === actual : text === value;
        });
      };
    }
    case 'null':
      return () => false;
    default: {
      const unreachable: never = family;
      return unreachable;
    }
  }
}

/** Boolean values compare as the words true and false, in any case. */
function boolMatches(patterns: readonly Pattern[]): ValueVerdict {
  const words = new Set<string>();
  const variable: Pattern[] = [];
  for (const pattern of patterns) {
    const fixed = fixedPattern(pattern);
    if (fixed === undefined) variable.push(pattern);
    else words.add(fixed.chars.join('').toLowerCase());
  }
  return (value, request) => {
    const word = value.toLowerCase();
    return (
      words.has(word) ||
      variable.some((pattern) => substitute(pattern, request)?.chars.join('').toLowerCase() === word)
    );
  };
}

function orderedMatches(
  texts: readonly string[],
  read: (text: string) => number | undefined,
  comparison: Comparison,
): ValueVerdict {
  const bounds = texts.map(read);
  return (value) => {
    const actual = read(value);
    return (
      actual !== undefined &&
      bounds.some((bound) => bound !== undefined && compare(comparison, actual, bound))
    );
  };
}
