// apt_key: adds or removes an APT signing key, like Ansible's apt_key. The key comes from data,
// a file on the target or a URL (fetched on the target); its fingerprints are read with
// `gpg --show-keys`, and it is added only when a fingerprint is missing from the keyring (the
// keyring argument, else apt-key's trusted keys). A new keyring file is written dearmored (the
// binary format apt reads); the default keyring goes through apt-key, as in Ansible.
import { sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type HostReader, type ModuleResult, type Probe } from '../engine/module.js';
import { FIND_TOOL, printCommand, toolFrom } from './lib/http-target.js';

// The apt_key arguments (ansible-core 2.14's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'the key id or fingerprint (required for absent; checked against the key with present)' },
    data: { type: 'string', description: 'the key itself (armored or binary)' },
    file: { type: 'string', description: 'a key file on the target' },
    url: { type: 'string', description: 'a URL of the key, fetched on the target' },
    keyring: { type: 'string', description: 'the keyring file (e.g. /etc/apt/keyrings/kubernetes.gpg); default: apt-key\'s trusted keys' },
    keyserver: { type: 'string', description: 'not supported (keyservers are unreliable; use url)' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the key is trusted' },
    validate_certs: { type: 'boolean', default: true, description: 'false: do not verify TLS for url' },
  },
  additionalProperties: false,
} as const;

// Fingerprints in `gpg --with-colons` output (fpr records of primary keys).
export function fingerprints(colons: string): string[] {
  const out: string[] = [];
  let primary = false;
  for (const line of colons.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'pub') primary = true;
    else if (f[0] === 'sub') primary = false;
    else if (f[0] === 'fpr' && primary && f[9]) out.push(f[9]);
  }
  return out;
}

function listKeys(keyring: string | undefined): ShellCommand {
  if (keyring) return sh`gpg --batch --no-default-keyring --keyring ${keyring} --with-colons --fingerprint 2>/dev/null; true`;
  return sh`for k in /etc/apt/trusted.gpg /etc/apt/trusted.gpg.d/*.gpg /etc/apt/trusted.gpg.d/*.asc; do [ -f "$k" ] && gpg --batch --no-default-keyring --keyring "$k" --with-colons --fingerprint 2>/dev/null; done; true`;
}

const matches = (fps: string[], id: string) => fps.some((fp) => fp.toUpperCase().endsWith(id.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase()));

async function keyData(host: HostReader, a: { data?: string | undefined; file?: string | undefined; url?: string | undefined; validate_certs: boolean }): Promise<string | { error: string }> {
  if (a.data !== undefined) return a.data;
  if (a.file !== undefined) {
    const r = await host.query(sh`base64 -w0 < ${a.file}`);
    return r.rc === 0 ? Buffer.from(r.stdout, 'base64').toString('latin1') : { error: `Unable to read ${a.file}: ${r.stderr.trim()}` };
  }
  const tool = toolFrom((await host.query(FIND_TOOL)).stdout);
  if (!tool || a.url === undefined) return { error: 'apt_key with url needs curl or wget on the target' };
  const r = await host.query(sh`${printCommand(tool, { url: a.url, method: 'GET', headers: {}, timeout: 30, validateCerts: a.validate_certs, follow: true })} | base64 -w0`);
  return r.rc === 0 && r.stdout !== '' ? Buffer.from(r.stdout, 'base64').toString('latin1') : { error: `Failed to download key at ${a.url}: ${r.stderr.trim()}` };
}

export default defineModule({
  name: 'apt_key',
  summary: 'Add or remove an APT signing key (data, file or URL; a keyring file or apt-key)',
  schema,
  freeForm: 'kv',
  checkMode: 'reads the key and the keyring; reports whether it would be added or removed',
  example: '- apt_key:\n    url: https://pkgs.k8s.io/core:/stable:/v1.29/deb/Release.key\n    keyring: /etc/apt/keyrings/kubernetes-apt-keyring.gpg',
  async probe(ctx, args): Promise<Probe> {
    if (args.keyserver !== undefined) return { changed: false, failed: 'keyserver is not supported by tsplay; give the key with url, data or file' };
    const before = fingerprints((await ctx.host_.query(listKeys(args.keyring))).stdout);
    const base: ModuleResult = { before, id: args.id ?? null };
    if (args.state === 'absent') {
      if (!args.id) return { changed: false, failed: 'key id is required when state=absent' };
      const id = args.id;
      const gone = before.filter((fp) => matches([fp], id));
      if (gone.length === 0) return { changed: false, result: { ...base, changed: false, after: before } };
      const del = args.keyring ? sh`gpg --batch --yes --no-default-keyring --keyring ${args.keyring} --delete-keys ${gone}` : sh`apt-key del ${id}`;
      return { changed: true, result: { ...base, after: before.filter((fp) => !gone.includes(fp)) }, apply: async (actx) => {
        const r = await actx.host_.run(del, actx.execDefaults);
        return r.rc === 0 ? { ...base, changed: true } : { ...base, changed: false, failed: true, msg: r.stderr.trim() };
      } };
    }
    if (args.data === undefined && args.file === undefined && args.url === undefined) {
      if (args.id && matches(before, args.id)) return { changed: false, result: { ...base, changed: false, after: before } };
      return { changed: false, failed: 'one of data, file or url is required (keyserver is not supported)' };
    }
    const data = await keyData(ctx.host_, args);
    if (typeof data === 'object') return { changed: false, failed: data.error };
    const shown = fingerprints((await ctx.host_.query(sh`gpg --batch --with-colons --show-keys`, { stdin: Buffer.from(data, 'latin1') })).stdout);
    if (shown.length === 0) return { changed: false, failed: 'the key data is not an OpenPGP key' };
    if (args.id && !matches(shown, args.id)) return { changed: false, failed: `key id ${args.id} does not match the key's fingerprints ${shown.join(', ')}` };
    const result = { ...base, fp: shown[0], key_id: shown[0]?.slice(-16), short_id: shown[0]?.slice(-8), after: [...new Set([...before, ...shown])] };
    if (shown.every((fp) => before.includes(fp))) return { changed: false, result: { ...result, changed: false } };
    const add = args.keyring
      ? sh`mkdir -p -- "$(dirname -- ${args.keyring})" && if [ -s ${args.keyring} ]; then gpg --batch --no-default-keyring --keyring ${args.keyring} --import; else gpg --batch --yes --dearmor -o ${args.keyring} && chmod 0644 -- ${args.keyring}; fi`
      : sh`apt-key add -`;
    return { changed: true, result, diff: [{ prepared: `add key ${shown.join(', ')} to ${args.keyring ?? 'apt-key'}` }], apply: async (actx) => {
      const r = await actx.host_.run(add, { ...actx.execDefaults, stdin: Buffer.from(data, 'latin1') });
      return r.rc === 0 ? { ...result, changed: true } : { ...result, changed: false, failed: true, msg: `error adding key: ${r.stderr.trim()}` };
    } };
  },
});
