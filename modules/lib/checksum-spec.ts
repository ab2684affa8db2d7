// get_url's `checksum` argument: `ALGORITHM:HEX` or `ALGORITHM:URL` of a checksum file
// (sha256sum-style lines, or a single bare digest), read the way Ansible reads it.
import { urlFilename } from './http-target.js';

export const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export type ChecksumSpec = { algorithm: Algorithm; digest: string } | { algorithm: Algorithm; url: string };

// Splits the argument; an error text when it is malformed.
export function parseChecksum(value: string): ChecksumSpec | string | undefined {
  if (value === '') return undefined;
  const at = value.indexOf(':');
  if (at < 0) return 'The checksum parameter has to be in format <algorithm>:<checksum>';
  const algorithm = value.slice(0, at).toLowerCase();
  const rest = value.slice(at + 1);
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) return `Unsupported hash algorithm ${algorithm} (supported: ${ALGORITHMS.join(', ')})`;
  if (/^(https?|ftp|file):/.test(rest)) return { algorithm: algorithm as Algorithm, url: rest };
  return normalizeDigest(algorithm as Algorithm, rest);
}

// Ansible strips non-word characters, lower-cases and requires hex.
export function normalizeDigest(algorithm: Algorithm, text: string): ChecksumSpec | string {
  const digest = text.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(digest)) return 'The checksum format is invalid';
  return { algorithm, digest };
}

// Finds the digest for the downloaded file's name in a checksum file.
export function digestFromList(text: string, url: string): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  const filename = urlFilename(url);
  if (lines.length === 1 && (lines[0] ?? '').trim().split(/\s+/).length === 1) return (lines[0] ?? '').trim();
  for (const line of lines) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    let name = line.slice(sp + 1);
    if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1);
    if (name.replace(/^[./]+/, '') === filename) return line.slice(0, sp);
  }
  return undefined;
}
