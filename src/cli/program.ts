// The `keyaki` command line. Each command file registers itself on its group;
// this file only wires the groups and maps failures to exit codes. `main.ts`
// runs it as a process; tests run it in process.
import { Command, CommanderError } from 'commander';
import { registerCedarAuthorize } from './cedar-authorize.js';
import { registerCedarCheckParse } from './cedar-check-parse.js';
import { registerCedarEvaluate } from './cedar-evaluate.js';
import { registerCedarFormat } from './cedar-format.js';
import { registerCedarTranslatePolicy } from './cedar-translate-policy.js';
import { registerCedarTranslateSchema } from './cedar-translate-schema.js';
import { registerCedarValidate } from './cedar-validate.js';
import { registerIamCheckAccessNotGranted } from './iam-check-access-not-granted.js';
import { registerIamCheckNoNewAccess } from './iam-check-no-new-access.js';
import { registerIamCheckNoPublicAccess } from './iam-check-no-public-access.js';
import { registerIamFindExternalAccess } from './iam-find-external-access.js';
import { registerIamRefine } from './iam-refine.js';
import { registerIamSimulate } from './iam-simulate.js';
import { registerIamValidatePolicy } from './iam-validate-policy.js';
import { ExitCode, UsageError } from './io.js';

function buildProgram(): Command {
  const program = new Command('keyaki')
    .description('Decide properties of AWS IAM and Cedar policies for all requests')
    .exitOverride()
    .showHelpAfterError();
  const iam = program.command('iam').description('AWS IAM policies: validate, simulate, check, refine');
  const cedar = program
    .command('cedar')
    .description('Cedar policies: authorize, validate, format, translate');
  registerIamValidatePolicy(iam);
  registerIamCheckNoNewAccess(iam);
  registerIamCheckAccessNotGranted(iam);
  registerIamCheckNoPublicAccess(iam);
  registerIamFindExternalAccess(iam);
  registerIamRefine(iam);
  registerIamSimulate(iam);
  registerCedarTranslateSchema(cedar);
  registerCedarValidate(cedar);
  registerCedarAuthorize(cedar);
  registerCedarEvaluate(cedar);
  registerCedarCheckParse(cedar);
  registerCedarFormat(cedar);
  registerCedarTranslatePolicy(cedar);
  return program;
}

/** Runs one command line and returns its exit code; a usage error is printed, not thrown. */
export async function runKeyaki(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.unusableInput;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`keyaki: ${error.message}\n`);
      return ExitCode.unusableInput;
    }
    throw error;
  }
}
