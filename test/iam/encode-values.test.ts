// The encoding's reading of condition values against the evaluator's, which
// is the ground truth: a policy value matches exactly the request values the
// evaluator finds equal to it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { automatonOf } from '../../src/logic/automaton.js';
import { base64Spellings } from '../../src/iam/encode/values.js';
import { readBase64 } from '../../src/iam/evaluate/values.js';

/** BinaryEquals as the reference evaluator decides it (src/iam/evaluate/conditions.ts). */
function evaluatorEquals(policyText: string, requestValue: string): boolean {
  const expected = readBase64(policyText);
  const actual = readBase64(requestValue);
  return expected !== undefined && actual !== undefined ? expected === actual : policyText === requestValue;
}

function encodingEquals(policyText: string, requestValue: string): boolean {
  const spellings = base64Spellings(policyText);
  return spellings === undefined ? policyText === requestValue : automatonOf(spellings).matches(requestValue);
}

// Short strings over base64's alphabet, padding and a few others, so that equal decodings are common.
const base64ish = fc
  .array(fc.constantFrom(...'QRSTABCDabgh019+/=-= '.split('')), { maxLength: 10 })
  .map((chars) => chars.join(''));
const bytes = fc.uint8Array({ maxLength: 7 }).map((array) => String.fromCharCode(...array));
/** A spelling of some bytes: canonical, unpadded, over-padded, or with its dropped bits set. */
const spelling = fc
  .tuple(bytes, fc.constantFrom('', '=', '==', 'strip'), fc.nat(63))
  .map(([raw, padding, noise]) => {
    const canonical = btoa(raw).replace(/=+$/, '');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const tail = canonical.length % 4;
    const mask = tail === 2 ? 0b001111 : tail === 3 ? 0b000011 : 0;
    const last = alphabet.indexOf(canonical.slice(-1));
    const noisy =
      mask === 0 ? canonical : canonical.slice(0, -1) + (alphabet[(last & ~mask) | (noise & mask)] as string);
    return padding === 'strip' ? noisy : noisy + padding;
  });

describe('BinaryEquals values: the encoding matches what the evaluator finds equal', () => {
  it('on spellings of the same bytes and on arbitrary near-base64 text', () => {
    const text = fc.oneof(spelling, base64ish);
    fc.assert(
      fc.property(text, text, (policyText, requestValue) => {
        expect(encodingEquals(policyText, requestValue)).toBe(evaluatorEquals(policyText, requestValue));
      }),
      { numRuns: 3000 },
    );
  });

  it('spells `QQ==` as every text that decodes to the byte "A"', () => {
    for (const same of ['QQ==', 'QQ', 'QQ=', 'QR==', 'Qf', 'QR=', 'QU=='])
      expect(encodingEquals('QQ==', same)).toBe(true);
    for (const other of ['QQ===', 'QA==', 'QQA=', 'Q', 'qq=='])
      expect(encodingEquals('QQ==', other)).toBe(false);
  });
});
