// What the formatter's tests share: the official policy files, the oracle,
// and the one known difference from it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import { formatPolicies, type FormatOptions } from '../../src/cedar/format/index.js';
import { SHARED, corpusArchive } from './official-tests.js';

function cedarFiles(directory: URL): string[] {
  return readdirSync(directory).flatMap((name) => {
    const entry = new URL(name, directory);
    if (statSync(entry).isDirectory()) return cedarFiles(new URL(`${name}/`, directory));
    return name.endsWith('.cedar') ? [readFileSync(entry, 'utf8')] : [];
  });
}

/** The text of every `.cedar` file of the official integration tests: hand-written, samples and corpus. */
export function officialPolicySets(): string[] {
  return [
    ...cedarFiles(new URL('tests/', SHARED)),
    ...cedarFiles(new URL('sample-data/', SHARED)),
    ...[...corpusArchive()].filter(([name]) => name.endsWith('.cedar')).map(([, text]) => text),
  ];
}

/** cedar-wasm's formatting, or undefined when it refuses the text. */
export function oracleFormat(text: string, options: FormatOptions = {}): string | undefined {
  const answer = wasm.formatPolicies({ policyText: text, ...options });
  return answer.type === 'success' ? answer.formatted_policy : undefined;
}

/** Keyaki's formatting, or undefined when it refuses the text. */
export function keyakiFormat(text: string, options: FormatOptions = {}): string | undefined {
  const result = formatPolicies(text, options);
  return result.ok ? result.text : undefined;
}

/**
 * Cedar's formatter drops the line break between a string literal followed by
 * a space and a comment on the next line (joining the comment to the string's
 * line); Keyaki keeps it, so that formatting is idempotent. Joining them in
 * Keyaki's output gives Cedar's.
 */
export function joinedAsCedarJoins(text: string): string {
  return text.replace(/" +\n( *\/\/)/g, '"$1');
}

/** A deterministic choice of token positions, about one in five. */
export function commentPlaces(seed: number): number[] {
  let state = seed;
  const chosen: number[] = [];
  for (let position = 0; position < 400; position += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    if (state % 5 === 0) chosen.push(position);
  }
  return chosen;
}
