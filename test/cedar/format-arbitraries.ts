// Random Cedar policy text for the formatter's tests: every rule of the
// grammar, long enough names to force line breaks, and `//` comments between
// any two tokens.
import fc from 'fast-check';

const names = fc.constantFrom('a', 'owner', 'department', 'isManagerOfTheVeryLongTeamName', 'x1', 'tags');
const strings = fc.constantFrom(
  '""',
  '"a"',
  '"a*b"',
  '"with \\"quotes\\""',
  '"é中😀"',
  '"tab\\there"',
  '"a very long string literal that pushes the line"',
);
const entities = fc.constantFrom(
  'User::"alice"',
  'Group::"admins"',
  'NS::Sub::Type::"id"',
  'Photo::"vacation-photo-with-a-long-name.jpg"',
);

const primary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('principal', 'resource', 'context', 'action', 'true', 'false'),
  fc.integer({ min: 0, max: 1_000_000 }).map(String),
  strings,
  entities,
);

const { expr } = fc.letrec<{ expr: string; operand: string; member: string }>((tie) => ({
  member: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primary,
    fc.tuple(tie('member'), names).map(([target, name]) => `${target}.${name}`),
    fc.tuple(tie('member'), strings).map(([target, key]) => `${target}[${key}]`),
    fc
      .tuple(
        tie('member'),
        fc.constantFrom('contains', 'containsAll', 'containsAny', 'getTag', 'hasTag'),
        tie('expr'),
      )
      .map(([target, method, arg]) => `${target}.${method}(${arg})`),
    tie('member').map((target) => `${target}.isEmpty()`),
    fc
      .tuple(fc.constantFrom('ip', 'decimal', 'datetime', 'duration'), strings)
      .map(([fn, arg]) => `${fn}(${arg})`),
    fc.array(tie('expr'), { maxLength: 4 }).map((elements) => `[${elements.join(', ')}]`),
    fc
      .array(fc.tuple(fc.oneof(names, strings), tie('expr')), { maxLength: 3 })
      .map((fields) => `{${fields.map(([key, value]) => `${key}: ${value}`).join(', ')}}`),
    tie('expr').map((inner) => `(${inner})`),
  ),
  operand: fc.oneof(
    { depthSize: 'small' },
    tie('member'),
    fc.tuple(fc.constantFrom('!', '-', '!!', '--'), tie('member')).map(([op, target]) => `${op}${target}`),
    fc
      .tuple(tie('member'), fc.constantFrom('+', '-', '*'), tie('member'))
      .map(([left, op, right]) => `${left} ${op} ${right}`),
  ),
  expr: fc.oneof(
    { depthSize: 'small' },
    tie('operand'),
    fc
      .tuple(tie('operand'), fc.constantFrom('==', '!=', '<', '<=', '>', '>=', 'in'), tie('operand'))
      .map(([left, op, right]) => `${left} ${op} ${right}`),
    fc
      .tuple(tie('operand'), fc.array(names, { minLength: 1, maxLength: 3 }))
      .map(([target, path]) => `${target} has ${path.join('.')}`),
    fc.tuple(tie('operand'), strings).map(([target, pattern]) => `${target} like ${pattern}`),
    fc
      .tuple(tie('operand'), fc.option(entities))
      .map(([target, parent]) => `${target} is User${parent === null ? '' : ` in ${parent}`}`),
    fc
      .tuple(tie('expr'), fc.constantFrom('&&', '||'), tie('expr'))
      .map(([left, op, right]) => `(${left}) ${op} (${right})`),
    fc.array(tie('operand'), { minLength: 2, maxLength: 5 }).map((operands) => operands.join(' && ')),
    fc
      .tuple(tie('expr'), tie('expr'), tie('expr'))
      .map(([cond, then, otherwise]) => `if ${cond} then ${then} else ${otherwise}`),
  ),
}));

const scopeVariable = (variable: 'principal' | 'resource'): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(variable),
    entities.map((entity) => `${variable} == ${entity}`),
    entities.map((entity) => `${variable} in ${entity}`),
    fc.constant(`${variable} is User`),
    entities.map((entity) => `${variable} is User in ${entity}`),
    fc.constantFrom(
      `${variable} == ?${variable}`,
      `${variable} in ?${variable}`,
      `${variable} is User in ?${variable}`,
    ),
  );

const actionScope = fc.oneof(
  fc.constant('action'),
  fc.constant('action == Action::"view"'),
  fc.constant('action in Action::"readOnly"'),
  fc.constantFrom('action in [Action::"view", Action::"edit", Action::"delete"]', 'action in []'),
);

const annotation = fc
  .tuple(names, fc.option(strings))
  .map(([key, value]) => (value === null ? `@${key}` : `@${key}(${value})`));

export const policyText: fc.Arbitrary<string> = fc
  .tuple(
    fc.uniqueArray(annotation, { maxLength: 2, selector: (text) => text.split('(')[0] }),
    fc.constantFrom('permit', 'forbid'),
    scopeVariable('principal'),
    actionScope,
    scopeVariable('resource'),
    fc.array(fc.tuple(fc.constantFrom('when', 'unless'), expr), { maxLength: 2 }),
  )
  .map(
    ([annotations, effect, principal, action, resource, conditions]) =>
      `${annotations.join(' ')} ${effect}(${principal}, ${action}, ${resource})${conditions
        .map(([keyword, body]) => ` ${keyword} { ${body} }`)
        .join('')};`,
  );

const TOKEN_END =
  /\/\/[^\n\r]*|"(?:\\.|[^"\\])*"|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|::|==|!=|<=|>=|&&|\|\||\?[a-z]+|\S/g;

/** `text` with a comment after some tokens, either at the end of the line or on lines of its own. */
export function withComments(
  text: string,
  places: readonly number[],
): { readonly text: string; readonly comments: readonly string[] } {
  const wanted = new Set(places);
  const comments: string[] = [];
  let result = '';
  let index = 0;
  let position = 0;
  for (const match of text.matchAll(TOKEN_END)) {
    if (match[0].startsWith('//')) continue;
    const end = match.index + match[0].length;
    result += text.slice(index, end);
    index = end;
    if (wanted.has(position)) {
      const comment = `// note ${comments.length}`;
      comments.push(comment);
      result += position % 3 === 0 ? `\n${comment}\n` : ` ${comment}\n`;
    }
    position += 1;
  }
  return { text: result + text.slice(index), comments };
}

export const commentedPolicies = fc
  .tuple(fc.array(policyText, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(60), { maxLength: 12 }))
  .map(([policies, places]) => withComments(policies.join('\n'), places));
