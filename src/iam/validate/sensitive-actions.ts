// Access Analyzer's checks for two actions that hand power to AWS services:
// iam:PassRole (security warnings) and iam:CreateServiceLinkedRole (general
// warnings), granted on every resource or on everything but a few.
import type { Location, Statement } from '../model.js';
import { matchesWildcard } from '../wildcard.js';

type Shape =
  | 'STAR_IN_RESOURCE'
  | 'STAR_IN_ACTION_AND_RESOURCE'
  | 'NOT_RESOURCE'
  | 'STAR_IN_ACTION_AND_NOT_RESOURCE'
  | 'NOT_ACTION_AND_NOT_RESOURCE'
  | 'STAR_IN_RESOURCE_AND_NOT_ACTION';

export type SensitiveActionIssueCode = `PASS_ROLE_WITH_${Shape}` | `CREATE_SLR_WITH_${Shape}`;

export interface SensitiveActionIssue {
  readonly code: SensitiveActionIssueCode;
  readonly message: string;
  readonly location: Location;
}

const sensitiveActions = [
  { action: 'iam:PassRole', prefix: 'PASS_ROLE_WITH_', risk: 'pass any role to a service' },
  {
    action: 'iam:CreateServiceLinkedRole',
    prefix: 'CREATE_SLR_WITH_',
    risk: 'create unintended service-linked roles',
  },
] as const;

/** How the statement's Action element reaches `action`, if it does. */
function actionReach(statement: Statement, action: string): 'named' | 'wildcard' | 'not-action' | undefined {
  const entries = statement.action.entries;
  const matching = entries.filter(({ pattern }) => matchesWildcard(pattern.raw, action, true));
  if (statement.action.kind === 'NotAction') return matching.length === 0 ? 'not-action' : undefined;
  if (matching.length === 0) return undefined;
  return matching.some(({ pattern }) => pattern.raw.toLowerCase() === action.toLowerCase())
    ? 'named'
    : 'wildcard';
}

/** The findings for an Allow statement of a policy that grants access. */
export function checkSensitiveActions(statement: Statement): SensitiveActionIssue[] {
  const resource = statement.resource;
  if (statement.effect !== 'Allow' || resource === undefined) return [];
  const star =
    resource.kind === 'Resource' ? resource.entries.find((entry) => entry.pattern.raw === '*') : undefined;
  if (resource.kind === 'Resource' && star === undefined) return [];
  const issues: SensitiveActionIssue[] = [];
  for (const { action, prefix, risk } of sensitiveActions) {
    const reach = actionReach(statement, action);
    if (reach === undefined) continue;
    const shape = shapeOf(reach, star !== undefined);
    const where = star === undefined ? 'every resource not listed in `NotResource`' : '`"Resource": "*"`';
    const how = reach === 'named' ? `\`${action}\`` : `\`${action}\`, through ${describeReach(reach)},`;
    issues.push({
      code: `${prefix}${shape}`,
      message: `${how} on ${where} lets the principal ${risk}: list the resources`,
      location: star?.location ?? resource.location,
    });
  }
  return issues;
}

function shapeOf(reach: 'named' | 'wildcard' | 'not-action', starResource: boolean): Shape {
  switch (reach) {
    case 'named':
      return starResource ? 'STAR_IN_RESOURCE' : 'NOT_RESOURCE';
    case 'wildcard':
      return starResource ? 'STAR_IN_ACTION_AND_RESOURCE' : 'STAR_IN_ACTION_AND_NOT_RESOURCE';
    case 'not-action':
      return starResource ? 'STAR_IN_RESOURCE_AND_NOT_ACTION' : 'NOT_ACTION_AND_NOT_RESOURCE';
    default: {
      const unreachable: never = reach;
      return unreachable;
    }
  }
}

function describeReach(reach: 'wildcard' | 'not-action'): string {
  return reach === 'wildcard' ? 'a wildcard action' : '`NotAction`';
}
