// The vault passwords of a run: --vault-id [ID@]FILE, --vault-password-file FILE and ansible.cfg /
// ANSIBLE_VAULT_PASSWORD_FILE, read as Ansible reads them (an executable file is run and its output
// is the password; otherwise the file's text, stripped).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setVaultSecrets } from '../py/vault.js';
import { forgetSources } from '../source/yaml-file.js';
import { UsageError } from './args.js';
import type { ParsedArgs } from './args.js';

// Reads one password file (or runs it when it is executable); usage error when it cannot.
function readPassword(file: string, id: string): string {
  let executable = true;
  try {
    accessSync(file, constants.X_OK);
  } catch {
    executable = false;
  }
  try {
    if (executable) return execFileSync(file, /-client(\.\w+)?$/.test(file) ? ['--vault-id', id] : [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`The vault password file ${file} was not found or could not be read: ${(e as Error).message.split('\n')[0] ?? ''}`, 1);
  }
}

// Sets the run's vault secrets from the flags and the configuration (config files first).
export function loadVaultSecrets(args: ParsedArgs, configFiles: string[], cwd = process.cwd()): void {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  const entries: { id: string; file: string }[] = configFiles.map((file) => ({ id: 'default', file }));
  for (const v of list(args.flags['vault-id'])) {
    const at = v.indexOf('@');
    entries.push(at > 0 ? { id: v.slice(0, at), file: v.slice(at + 1) } : { id: 'default', file: v });
  }
  for (const file of list(args.flags['vault-password-file'])) entries.push({ id: 'default', file });
  const changed = setVaultSecrets(entries.filter((e) => e.file !== 'prompt').map((e) => ({ id: e.id, password: readPassword(resolve(cwd, e.file), e.id) })));
  // files parsed with other passwords (an earlier run in this process) are read again
  if (changed) forgetSources();
}
