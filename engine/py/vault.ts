// Ansible Vault texts (`$ANSIBLE_VAULT;1.1;AES256` and 1.2 with a vault id): whole vaulted files
// and `!vault |` values, decrypted as ansible.parsing.vault does (PBKDF2-HMAC-SHA256 with 10000
// rounds → AES-256-CTR key, HMAC-SHA256 key and counter; the HMAC checked before decrypting) with
// the passwords of --vault-password-file / --vault-id / ANSIBLE_VAULT_PASSWORD_FILE.
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export class VaultError extends Error {}

interface VaultSecret {
  id: string;
  password: Buffer;
}

const secrets: VaultSecret[] = [];

// The passwords the run decrypts with (set by the CLI; tried in order, the text's own vault id
// first). Returns true when they differ from the ones set before (texts decrypted with those are stale).
export function setVaultSecrets(list: { id: string; password: string | Buffer }[]): boolean {
  const next = list.map((s) => ({ id: s.id, password: Buffer.isBuffer(s.password) ? s.password : Buffer.from(s.password, 'utf8') }));
  const same = next.length === secrets.length && next.every((s, i) => s.id === secrets[i]?.id && s.password.equals(secrets[i].password));
  secrets.length = 0;
  secrets.push(...next);
  return !same;
}

// True when `text` is a vaulted text (a file's content or a !vault value).
export function isVaulted(text: string): boolean {
  return text.trimStart().startsWith('$ANSIBLE_VAULT;');
}

// The plaintext of a vaulted text; throws VaultError with Ansible's wording when no password fits.
export function decryptVault(text: string, where = ''): string {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').split(';').map((s) => s.trim());
  const on = where ? ` on ${where}` : '';
  if (header[2] !== 'AES256') throw new VaultError(`Vault format unhexlify error: unsupported vault cipher '${header[2] ?? ''}'${on}`);
  if (secrets.length === 0) throw new VaultError(`Attempting to decrypt but no vault secrets found${on}`);
  const body = Buffer.from(lines.slice(1).join('').replace(/\s/g, ''), 'hex').toString('latin1').split('\n');
  const [salt, mac, data] = [body[0] ?? '', body[1] ?? '', body[2] ?? ''].map((h) => Buffer.from(h, 'hex')) as [Buffer, Buffer, Buffer];
  const label = header[3];
  const ordered = label ? [...secrets.filter((s) => s.id === label), ...secrets.filter((s) => s.id !== label)] : secrets;
  for (const s of ordered) {
    const key = pbkdf2Sync(s.password, salt, 10000, 80, 'sha256');
    const expected = createHmac('sha256', key.subarray(32, 64)).update(data).digest();
    if (expected.length !== mac.length || !timingSafeEqual(expected, mac)) continue;
    const d = createDecipheriv('aes-256-ctr', key.subarray(0, 32), key.subarray(64, 80));
    const padded = Buffer.concat([d.update(data), d.final()]);
    const pad = padded[padded.length - 1] ?? 0;
    return padded.subarray(0, pad > 0 && pad <= 16 ? padded.length - pad : padded.length).toString('utf8');
  }
  throw new VaultError(`Decryption failed (no vault secrets were found that could decrypt)${on}`);
}
