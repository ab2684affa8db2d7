// Generated name parts in the style of the apiserver and controllers.
import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// Five random characters, like the suffix of a generateName.
export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

// A short stable hash of a JSON value in the same alphabet (a pod-template-hash).
export function stableHash(value: unknown, length = 10): string {
  const digest = createHash('sha256').update(JSON.stringify(value)).digest();
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return s;
}
