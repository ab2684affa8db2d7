// The password lookup: a random password for a path, generated once and kept in that file (0600,
// its folder 0700) so later runs read the same one; /dev/null gives a new one each time. Terms as
// ansible-core reads them: `PATH [length=N] [chars=a,b] [seed=S]`; `encrypt` (a crypt hash of the
// password) is refused: tsplay has no crypt implementation.
import { randomInt, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseKv } from '../load/kv.js';

const VALID = new Set(['length', 'encrypt', 'chars', 'ident', 'seed']);

// Python's string module constants a `chars` entry may name.
const SETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

function candidates(specs: string[]): string {
  return specs.map((c) => SETS[c] ?? c).join('').replace(/["']/g, '');
}

// A deterministic stream of choices for `seed` (the same seed, the same password; not the
// password ansible-core's Python random would make from it).
function seeded(seed: string): (n: number) => number {
  let counter = 0;
  let pool: Buffer = Buffer.alloc(0);
  return (n) => {
    for (;;) {
      if (pool.length < 4) pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
      const v = pool.readUInt32BE(0);
      pool = pool.subarray(4);
      const limit = Math.floor(0x100000000 / n) * n;
      if (v < limit) return v % n;
    }
  };
}

interface Params {
  path: string;
  length: number;
  chars: string[];
  seed?: string;
}

function parse(term: string): Params {
  const at = term.indexOf(' ');
  let path = at < 0 ? term : term.slice(0, at);
  const kv: Record<string, unknown> = at < 0 ? {} : { ...parseKv(term.slice(at + 1), false) };
  if (kv['_raw_params'] !== undefined) {
    path = `${path} ${String(kv['_raw_params'])}`;
    delete kv['_raw_params'];
    if (!term.startsWith(path)) throw new Error('Unrecognized value after key=value parameters given to password lookup');
  }
  const bad = Object.keys(kv).filter((k) => !VALID.has(k));
  if (bad.length) throw new Error(`Unrecognized parameter(s) given to password lookup: ${bad.join(', ')}`);
  if (kv['encrypt'] !== undefined) throw new Error('the password lookup cannot encrypt (encrypt=): tsplay has no crypt implementation; hash the password with a module on the host instead');
  const length = Number(kv['length'] ?? 20);
  if (!Number.isInteger(length) || length < 0 || length > 1_000_000) throw new Error(`invalid literal for int() with base 10: '${String(kv['length'])}'`);
  const raw = kv['chars'] === undefined ? undefined : String(kv['chars']);
  const chars = raw === undefined ? ['ascii_letters', 'digits', '.,:-_'] : [...(raw.includes(',,') ? [','] : []), ...raw.replace(/,,/g, ',').split(',').filter(Boolean)];
  return { path, length, chars, ...(kv['seed'] !== undefined ? { seed: String(kv['seed']) } : {}) };
}

// The password for one term; `base` resolves a relative path (the playbook's folder).
export function passwordFor(term: string, base: string): string {
  const p = parse(term);
  const path = isAbsolute(p.path) ? p.path : resolve(base, p.path);
  const stored = path !== '/dev/null' && existsSync(path) ? readFileSync(path, 'utf8').replace(/\s+$/, '') : undefined;
  // a stored line may carry " salt=... ident=..." after the password
  if (stored !== undefined) return stored.includes(' salt=') ? stored.slice(0, stored.lastIndexOf(' salt=')) : stored;
  const pool = candidates(p.chars);
  if (pool.length === 0) throw new Error('no characters to choose a password from (chars=)');
  const pick = p.seed !== undefined ? seeded(p.seed) : (n: number) => randomInt(n);
  let password = '';
  for (let i = 0; i < p.length; i++) password += pool[pick(pool.length)];
  if (path !== '/dev/null') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${password}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return password;
}
