// `keyaki iam check-no-new-access`: Access Analyzer's CheckNoNewAccess, offline.
import type { Command } from 'commander';
import { checkNoNewAccess, type CheckPolicyType } from '../iam/index.js';
import { parseCheckOutput, parseCheckPolicyType, reportCheck, type CheckOutput } from './iam-check-output.js';
import { readDocumentArgument } from './io.js';

export function registerIamCheckNoNewAccess(group: Command): void {
  group
    .command('check-no-new-access')
    .description('prove that the new policy grants no access the existing one does not, for every request')
    .requiredOption(
      '--existing-policy-document <document>',
      'the existing policy as JSON text, or file://path',
    )
    .requiredOption('--new-policy-document <document>', 'the new policy as JSON text, or file://path')
    .requiredOption('--policy-type <type>', 'IDENTITY_POLICY or RESOURCE_POLICY', parseCheckPolicyType)
    .option(
      '--output <format>',
      'json (the CheckNoNewAccess response), text or sarif',
      parseCheckOutput,
      'json',
    )
    .action(
      async (options: {
        existingPolicyDocument: string;
        newPolicyDocument: string;
        policyType: CheckPolicyType;
        output: CheckOutput;
      }) => {
        const existing = readDocumentArgument(options.existingPolicyDocument, '--existing-policy-document');
        const updated = readDocumentArgument(options.newPolicyDocument, '--new-policy-document');
        const outcome = await checkNoNewAccess({
          existingPolicyDocument: existing.text,
          newPolicyDocument: updated.text,
          policyType: options.policyType,
        });
        reportCheck(outcome, options.output, 'check-no-new-access', updated, {
          existingPolicyDocument: existing,
          newPolicyDocument: updated,
        });
      },
    );
}
