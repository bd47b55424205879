// `keyaki iam check-no-public-access`: Access Analyzer's CheckNoPublicAccess, offline.
import type { Command } from 'commander';
import { checkNoPublicAccess, publicAccessResourceTypes } from '../iam/index.js';
import { parseCheckOutput, reportCheck, type CheckOutput } from './iam-check-output.js';
import { readDocumentArgument } from './io.js';

export function registerIamCheckNoPublicAccess(group: Command): void {
  group
    .command('check-no-public-access')
    .description('prove that the resource policy grants no public access, for every request')
    .requiredOption('--policy-document <document>', 'the resource policy as JSON text, or file://path')
    .requiredOption('--resource-type <type>', `one of ${publicAccessResourceTypes.join(', ')}`)
    .option(
      '--output <format>',
      'json (the CheckNoPublicAccess response), text or sarif',
      parseCheckOutput,
      'json',
    )
    .action(async (options: { policyDocument: string; resourceType: string; output: CheckOutput }) => {
      const document = readDocumentArgument(options.policyDocument, '--policy-document');
      const outcome = await checkNoPublicAccess({
        policyDocument: document.text,
        resourceType: options.resourceType,
      });
      reportCheck(outcome, options.output, 'check-no-public-access', document);
    });
}
