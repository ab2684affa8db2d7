// Reads source files (playbooks, task and vars files, inventories) as text the way Ansible's
// loader accepts them: strict UTF-8 (an invalid byte is an error at its position, not U+FFFD),
// a leading BOM dropped, no NUL or other control characters (PyYAML's printable set), and
// within the size and line-length limits.
import { decryptVault, isVaulted, VaultError } from '../py/vault.js';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { diag, type Diagnostic, type SourcePos } from '../diagnostics.js';
import { limit, limitHint } from '../shared/limits.js';
import { rememberSource } from './text.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

// The byte offset of the first invalid UTF-8 sequence in bytes, or -1.
export function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** a file that holds (or streams) more than the limit */
export class FileTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly size: number | undefined,
  ) {
    super(`${path} is ${size === undefined ? 'larger than' : `${megabytes(size)}, larger than`} the limit for a file read by tsplay (${limitHint('fileBytes')})`);
    this.name = 'FileTooLargeError';
  }
}

// Reads a file on the controller, at most `max` bytes: a regular file by its size, anything else
// (a pipe from `<(...)`, /dev/zero) by reading until the limit. Throws FileTooLargeError beyond it
// and the fs errors otherwise (ENOENT, EISDIR).
export function readFileBounded(path: string, max = limit('fileBytes')): Buffer {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: 'EISDIR' });
    if (st.isFile() && st.size > max) throw new FileTooLargeError(path, st.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > max) throw new FileTooLargeError(path, undefined);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${n} bytes`;
}

// Decodes a file's bytes: strict UTF-8 without a leading BOM; an invalid byte is reported at its
// position (the text kept for the code frame shows it as U+FFFD).
export function decodeSource(path: string, bytes: Uint8Array): { text?: string; diagnostics: Diagnostic[] } {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const body = bytes.subarray(start);
  try {
    return { text: strict.decode(body), diagnostics: [] };
  } catch {
    const bad = invalidUtf8At(body);
    const offset = lossy.decode(body.subarray(0, Math.max(0, bad))).length;
    rememberSource(path, lossy.decode(body));
    const byte = (body[bad] ?? 0).toString(16).padStart(2, '0');
    return { diagnostics: [diag('invalid-utf8', `invalid UTF-8: byte 0x${byte} at byte offset ${bad + start} cannot be decoded (source files must be UTF-8)`, { file: path, offset })] };
  }
}

// PyYAML's printable characters: TAB, LF, CR, U+0020-U+007E, U+0085, U+00A0-U+D7FF,
// U+E000-U+FFFD and the astral planes. Anything else (NUL, other C0/C1 controls, DEL) is refused.
const NON_PRINTABLE = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

// Describes a character the way PyYAML names it (#x0000).
function charName(ch: string): string {
  return `#x${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

// Checks decoded source text: no control characters, no line longer than the limit.
export function checkSourceText(path: string, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const m = NON_PRINTABLE.exec(text);
  if (m) {
    const what = m[0] === '\0' ? 'a NUL byte' : `the control character ${charName(m[0])}`;
    out.push(diag('invalid-character', `unacceptable character ${charName(m[0])}: special characters are not allowed (${what})`, { file: path, offset: m.index }, 'source files may hold tabs, newlines and printable characters; write control characters as escapes in a double-quoted string ("\\x00")'));
  }
  const max = limit('lineChars');
  if (text.length > max) {
    let lineStart = 0;
    for (;;) {
      const nl = text.indexOf('\n', lineStart);
      const end = nl < 0 ? text.length : nl;
      if (end - lineStart > max) {
        out.push(diag('line-too-long', `line of ${end - lineStart} characters is longer than the limit for one line`, { file: path, offset: lineStart }, limitHint('lineChars')));
        break;
      }
      if (nl < 0) break;
      lineStart = nl + 1;
    }
  }
  return out;
}

// Reads a source file: size limit, strict UTF-8, BOM dropped, characters and lines checked.
// `from` is where the file was named (an include), used when the file itself has no position.
export function readSourceFile(path: string, from?: SourcePos): { text?: string; diagnostics: Diagnostic[]; missing?: boolean } {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) return { diagnostics: [diag('missing-file', `${path} is a directory, not a file`, from)], missing: true };
    bytes = readFileBounded(path);
  } catch (e) {
    if (e instanceof FileTooLargeError) return { diagnostics: [diag('file-too-large', e.size === undefined ? `${path} is larger than the limit for a source file` : `${path} is ${megabytes(e.size)}, larger than the limit for a source file`, from ?? { file: path, offset: 0 }, limitHint('fileBytes'))] };
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { diagnostics: [diag('missing-file', `file not found: ${path}`, from)], missing: true };
    return { diagnostics: [diag('missing-file', `cannot read ${path}: ${(e as Error).message}`, from)], missing: true };
  }
  const decoded = decodeSource(path, bytes);
  if (decoded.text === undefined) return decoded;
  // a vaulted file is read as its plaintext (Ansible's DataLoader decrypts every file it loads)
  if (isVaulted(decoded.text)) {
    try {
      decoded.text = decryptVault(decoded.text, path);
    } catch (e) {
      if (!(e instanceof VaultError)) throw e;
      return { diagnostics: [diag('vault', e.message, from ?? { file: path, offset: 0 }, 'give the vault password with --vault-password-file FILE or --vault-id [ID@]FILE')] };
    }
  }
  rememberSource(path, decoded.text);
  const problems = checkSourceText(path, decoded.text);
  return problems.length > 0 ? { diagnostics: problems } : { text: decoded.text, diagnostics: [] };
}

// A text file on the controller read within the size limit and decoded as UTF-8, invalid bytes as
// U+FFFD (lookups, templates, ansible.cfg), a vaulted one as its plaintext (ansible-core's loader
// decrypts every file it reads); throws FileTooLargeError, VaultError or the fs error.
export function readTextBounded(path: string): string {
  const bytes = readFileBounded(path);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = lossy.decode(bytes.subarray(start));
  return isVaulted(text) ? decryptVault(text, path) : text;
}
