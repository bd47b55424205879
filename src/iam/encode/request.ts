// The request as logic variables, what every real request satisfies, and a
// logic model read back as a concrete request.
//
// Variables: `action`, `resource`, `principal.type` (one of the principal
// kinds) and `principal` (an AWS principal's ARN — the value aws:PrincipalArn
// carries —, a service name, an identity provider, a canonical user id, or
// `anonymous`). A condition key `k` (lower case) is `key:k`, typed by the
// operators that read it (string, number, date as milliseconds, ip), with a
// Boolean `key:k?` saying whether the request carries it; a multi-valued key
// is one `set<...>` variable, present when not empty.
import {
  all,
  and,
  any,
  boolAtom,
  charClass,
  concat,
  equals,
  glob,
  implies,
  literal,
  matches,
  notChars,
  or,
  star,
  TRUE,
  union,
  variable,
  type Formula,
  type IpAddress,
  type Model,
  type Regex,
  type ScalarSort,
  type Subject,
  type ScalarValue,
  type Value,
  type Variable,
} from '../../logic/index.js';
import { formatDate, formatIp } from './values.js';

export const action = variable('action', 'string');
export const resource = variable('resource', 'string');
export const principalType = variable('principal.type', 'string');
export const principal = variable('principal', 'string');
/**
 * aws:PrincipalArn's own variable, read for a role session: its role's ARN
 * (the session ARN does not show the role's path). For any other principal
 * the encoding reads `principal` itself, and ties this variable to it only
 * when a policy reads `${aws:PrincipalArn}`.
 */
export const sessionRoleArn = variable('key:aws:principalarn', 'string');

export type PrincipalKind = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | 'Anonymous';
export const principalKinds: readonly PrincipalKind[] = [
  'AWS',
  'Service',
  'Federated',
  'CanonicalUser',
  'Anonymous',
];

/** The text `principal` holds for an unsigned request. */
export const anonymousPrincipal = 'anonymous';

export function principalIs(kind: PrincipalKind): Formula {
  return equals(principalType, kind);
}

/** How the operators that read a key see its values. Dates are milliseconds since the epoch. */
export type KeyType = 'string' | 'number' | 'date' | 'ip';

export interface KeyInfo {
  /** Lower case. */
  readonly key: string;
  readonly type: KeyType;
  /** Read with ForAllValues/ForAnyValue somewhere: the request carries a set. */
  readonly multiValued: boolean;
  /**
   * A multi-valued key whose tests read policy variables, which a set
   * quantifier's body cannot: held as this many optional values (`key:k#i`,
   * carried when `key:k#i?`) instead of a set. At least as many as the
   * question's distinct tests of the key, so every true "some value" and false
   * "every value" test keeps its own witness value: a request has a model
   * exactly when the slots do (the small-model argument of `src/logic` sets).
   */
  readonly slots?: number;
  /** Read as a policy variable (`${k}`) somewhere. */
  readonly variable?: boolean;
}

/** Every condition key a question reads, by lower-case name. */
export type KeyTable = ReadonlyMap<string, KeyInfo>;

export function sortOf(type: KeyType): ScalarSort {
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'date':
      return 'number';
    case 'ip':
      return 'ip';
    default:
      return type satisfies never;
  }
}

/** The variable holding a key's value (its set of values when multi-valued). */
export function keyVariable(info: KeyInfo): Variable {
  const sort = sortOf(info.type);
  return variable(`key:${info.key}`, info.multiValued ? `set<${sort}>` : sort);
}

export function keyPresence(info: KeyInfo): Formula {
  if (!info.multiValued) return boolAtom(variable(`key:${info.key}?`, 'bool'));
  if (info.slots !== undefined) return or(...slotsOf(info).map((slot) => slot.carried));
  return any(variable(`key:${info.key}`, `set<${sortOf(info.type)}>`), () => TRUE);
}

interface Slot {
  readonly value: Variable<ScalarSort>;
  readonly carried: Formula;
}

function slotsOf(info: KeyInfo): Slot[] {
  return Array.from({ length: info.slots ?? 0 }, (_, index) => ({
    value: variable(`key:${info.key}#${index}`, sortOf(info.type)),
    carried: boolAtom(variable(`key:${info.key}#${index}?`, 'bool')),
  }));
}

/** Some value of a multi-valued key passes `test` (false when the request carries none). */
export function someValue(info: KeyInfo, test: (value: Subject<ScalarSort>) => Formula): Formula {
  if (info.slots !== undefined)
    return or(...slotsOf(info).map((slot) => and(slot.carried, test(slot.value))));
  return any(variable(`key:${info.key}`, `set<${sortOf(info.type)}>`), test);
}

/** Every value of a multi-valued key passes `test` (true when the request carries none). */
export function everyValue(info: KeyInfo, test: (value: Subject<ScalarSort>) => Formula): Formula {
  if (info.slots !== undefined) {
    return and(...slotsOf(info).map((slot) => implies(slot.carried, test(slot.value))));
  }
  return all(variable(`key:${info.key}`, `set<${sortOf(info.type)}>`), test);
}

const notColon = notChars([[58, 58]]);
const digit = charClass([[48, 57]]);
const nonEmpty = (inner: Regex): Regex => concat([inner, star(inner)]);
const lowerWord = charClass([
  [97, 122],
  [45, 45],
]);

/** What comes before the account in an IAM principal's ARN: `arn:PARTITION:iam::` or `...:sts::`. */
export const accountArnPrefix: Regex = concat([
  literal('arn:'),
  nonEmpty(notColon),
  literal(':'),
  union([literal('iam'), literal('sts')]),
  literal('::'),
]);

/** What follows the account in an IAM principal's ARN. */
export const accountArnSuffix: Regex = concat([literal(':'), nonEmpty(charClass([[0, 0x10ffff]]))]);

/** ARNs whose account field (the fifth) matches `account`. */
export function arnsOfAccount(account: Regex): Regex {
  return concat([
    literal('arn:'),
    star(notColon),
    literal(':'),
    star(notColon),
    literal(':'),
    star(notColon),
    literal(':'),
    account,
    literal(':'),
    star(charClass([[0, 0x10ffff]])),
  ]);
}

/** An account's principals: `arn:PARTITION:iam|sts::ACCOUNT:...`, the account matching `account`. */
export function principalsOfAccount(account: Regex): Regex {
  return concat([accountArnPrefix, account, accountArnSuffix]);
}

/**
 * IAM's name characters (users, roles, role sessions, federated users):
 * letters, digits and `_+=,.@-`. Paths are ASCII `!` to DEL. A principal
 * with other characters is not one AWS issues, so it is no counterexample.
 */
const nameChars = charClass([
  [43, 46], // + , - .
  [48, 57],
  [61, 61], // =
  [64, 90], // @ A-Z
  [95, 95], // _
  [97, 122],
]);
const iamName = nonEmpty(nameChars);
/** An IAM path before a user or role name: none, or segments each ending in `/`. */
const iamPath = star(
  concat([
    nonEmpty(
      charClass([
        [0x21, 0x2e],
        [0x30, 0x7f],
      ]),
    ),
    literal('/'),
  ]),
);

/**
 * What precedes an IAM user's name in its ARN, `arn:PARTITION:iam::ACCOUNT:user/PATH/`:
 * aws:username is the rest, the user's name (which has no `/`).
 */
export const userArnPrefix: Regex = concat([
  literal('arn:aws'),
  star(lowerWord),
  literal(':iam::'),
  ...Array<Regex>(12).fill(digit),
  literal(':user/'),
  iamPath,
]);

/**
 * The IAM principals AWS issues: the account root, users and roles (with a
 * path, their name not empty), role sessions (`assumed-role/ROLE/SESSION`)
 * and federated users — as the evaluator reads them, a user's name being
 * aws:username (`userArnPrefix`) and a session's role name its role's.
 */
const awsPrincipalArn: Regex = concat([
  literal('arn:aws'),
  star(lowerWord),
  union([
    concat([
      literal(':iam::'),
      ...Array<Regex>(12).fill(digit),
      literal(':'),
      union([literal('root'), concat([union([literal('user/'), literal('role/')]), iamPath, iamName])]),
    ]),
    concat([
      literal(':sts::'),
      ...Array<Regex>(12).fill(digit),
      literal(':'),
      union([
        concat([literal('assumed-role/'), iamName, literal('/'), iamName]),
        concat([literal('federated-user/'), iamName]),
      ]),
    ]),
  ]),
]);

/** A request names an action `service:name` and a resource (an ARN, or `*` for actions without resources). */
export const actionShape: Regex = glob('?*:?*', {
  wildcardChars: [
    [0, 57],
    [59, 0x10ffff],
  ],
});

/**
 * What every real request satisfies: one principal kind; an AWS principal is
 * an IAM ARN of a 12-digit account; `anonymous` is the unsigned caller;
 * actions are `service:name`; resources are not empty.
 */
export const requestAxioms: Formula = and(
  or(...principalKinds.map(principalIs)),
  implies(principalIs('AWS'), matches(principal, awsPrincipalArn)),
  implies(principalIs('Anonymous'), equals(principal, anonymousPrincipal)),
  implies(
    or(principalIs('Service'), principalIs('Federated'), principalIs('CanonicalUser')),
    matches(principal, nonEmpty(charClass([[0x21, 0x10ffff]]))),
  ),
  matches(action, actionShape),
  matches(resource, nonEmpty(charClass([[0, 0x10ffff]]))),
);

/** A concrete request read off a model, in the shape the checks return. */
export interface ConcreteRequest {
  readonly principal?: { readonly type: PrincipalKind; readonly id: string };
  readonly action: string;
  readonly resource: string;
  /** Condition keys the request carries, lower case; multi-valued keys hold arrays. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

function text(info: KeyInfo, value: ScalarValue): string {
  switch (info.type) {
    case 'string':
      return String(value);
    case 'number':
      return String(value);
    case 'date':
      return formatDate(value as number);
    case 'ip':
      return formatIp(value as IpAddress);
    default:
      return info.type satisfies never;
  }
}

const placeholder: Readonly<Record<KeyType, string>> = {
  string: 'example',
  number: '1',
  date: '2026-01-01T00:00:00.000Z',
  ip: '192.0.2.1',
};

function isPrincipalKind(value: Value | undefined): value is PrincipalKind {
  return typeof value === 'string' && (principalKinds as readonly string[]).includes(value);
}

const roleSession = /^arn:[^:]+:sts::\d{12}:assumed-role\/[^/]+\/./;

/**
 * The request a model describes. Keys the model leaves absent are left out;
 * aws:PrincipalArn and aws:PrincipalAccount of an AWS principal are written
 * out, because the encoding reads them off `principal` directly.
 */
export function requestOf(model: Model, keys: KeyTable): ConcreteRequest {
  const context: Record<string, string | readonly string[]> = {};
  const kind = model.get(principalType.name);
  const id = model.get(principal.name);
  if (kind === 'AWS' && typeof id === 'string') {
    // A session's aws:PrincipalArn is its role's ARN: the model's, or (unread) left for the evaluator to derive.
    const roleArn = model.get(sessionRoleArn.name);
    if (!roleSession.test(id)) context['aws:principalarn'] = id;
    else if (typeof roleArn === 'string') context['aws:principalarn'] = roleArn;
    context['aws:principalaccount'] = id.split(':')[4] ?? '';
  }
  for (const info of keys.values()) {
    if (info.slots !== undefined) {
      const carried = slotsOf(info).flatMap((slot) => {
        const value = model.get(slot.value.name);
        if (model.get(`${slot.value.name}?`) !== true) return [];
        return [
          value === undefined || Array.isArray(value)
            ? placeholder[info.type]
            : text(info, value as ScalarValue),
        ];
      });
      if (carried.length > 0) context[info.key] = carried;
      continue;
    }
    const value = model.get(`key:${info.key}`);
    if (info.multiValued) {
      if (Array.isArray(value) && value.length > 0)
        context[info.key] = value.map((item: ScalarValue) => text(info, item));
      continue;
    }
    if (model.get(`key:${info.key}?`) !== true) continue;
    // A key only tested for presence has no value variable: any value of its type shows it.
    context[info.key] =
      value === undefined || Array.isArray(value) ? placeholder[info.type] : text(info, value as ScalarValue);
  }
  return {
    ...(isPrincipalKind(kind) && typeof id === 'string' ? { principal: { type: kind, id } } : {}),
    action: String(model.get(action.name) ?? ''),
    resource: String(model.get(resource.name) ?? ''),
    context,
  };
}
