// Runs a CLI command group in-process, capturing what it prints and the exit
// code it sets; callers restore the spies with `vi.restoreAllMocks()`.
import { Command } from 'commander';
import { vi } from 'vitest';

export interface CommandOutcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
}

export async function runGroup(
  groupName: string,
  registrations: readonly ((group: Command) => void)[],
  args: readonly string[],
): Promise<CommandOutcome> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  const group = new Command(groupName).exitOverride();
  for (const register of registrations) register(group);
  await group.parseAsync([...args], { from: 'user' });
  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}
