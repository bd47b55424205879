// `keyaki iam check-access-not-granted`: Access Analyzer's CheckAccessNotGranted, offline.
import type { Command } from 'commander';
import { checkAccessNotGranted, type Access, type CheckPolicyType } from '../iam/index.js';
import { parseCheckOutput, parseCheckPolicyType, reportCheck, type CheckOutput } from './iam-check-output.js';
import { readDocumentArgument, UsageError } from './io.js';

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** `[{"actions": [...], "resources": [...]}]`, as the AWS CLI takes it. */
function parseAccess(text: string): Access[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--access is not JSON: \`${text}\``);
  }
  if (!Array.isArray(value))
    throw new UsageError('--access must be a JSON array such as `[{"actions": ["s3:DeleteBucket"]}]`');
  return value.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new UsageError(`--access entry ${index} is not an object`);
    const { actions, resources } = entry as { actions?: unknown; resources?: unknown };
    if (actions !== undefined && !isStringList(actions))
      throw new UsageError(`--access entry ${index}: \`actions\` must be a list of strings`);
    if (resources !== undefined && !isStringList(resources))
      throw new UsageError(`--access entry ${index}: \`resources\` must be a list of strings`);
    if (actions === undefined && resources === undefined)
      throw new UsageError(`--access entry ${index}: give \`actions\`, \`resources\` or both`);
    return {
      ...(actions === undefined ? {} : { actions }),
      ...(resources === undefined ? {} : { resources }),
    };
  });
}

export function registerIamCheckAccessNotGranted(group: Command): void {
  group
    .command('check-access-not-granted')
    .description('prove that the policy grants none of the given actions or resources, for every request')
    .requiredOption('--policy-document <document>', 'the policy as JSON text, or file://path')
    .requiredOption('--access <json>', 'e.g. \'[{"actions":["s3:DeleteBucket"]}]\', or file://path')
    .requiredOption('--policy-type <type>', 'IDENTITY_POLICY or RESOURCE_POLICY', parseCheckPolicyType)
    .option(
      '--output <format>',
      'json (the CheckAccessNotGranted response), text or sarif',
      parseCheckOutput,
      'json',
    )
    .action(
      async (options: {
        policyDocument: string;
        access: string;
        policyType: CheckPolicyType;
        output: CheckOutput;
      }) => {
        const document = readDocumentArgument(options.policyDocument, '--policy-document');
        const access = parseAccess(readDocumentArgument(options.access, '--access').text);
        const outcome = await checkAccessNotGranted({
          policyDocument: document.text,
          access,
          policyType: options.policyType,
        });
        reportCheck(outcome, options.output, 'check-access-not-granted', document);
      },
    );
}
