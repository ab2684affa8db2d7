// fetch: copies a file from the target to the controller, like Ansible's fetch: by default into
// DEST/INVENTORY_HOSTNAME/SRC, with flat into DEST itself (DEST/ = into that directory). The file
// travels base64 over the connection (become applies); unchanged files (same sha1) are ok.
// Ansible's fetch does not support check mode: the task is skipped there.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { sh } from '../engine/connection/command.js';
import { defineModule, type ModuleResult, type Probe } from '../engine/module.js';
import { slurpError } from './slurp.js';

// The fetch arguments (ansible-core 2.14's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: 'the file on the target (not a directory)' },
    dest: { type: 'string', description: 'a directory on the controller (relative: to the playbook directory); with flat, the file itself' },
    flat: { type: 'boolean', default: false, description: 'write to dest itself instead of dest/inventory_hostname/src' },
    fail_on_missing: { type: 'boolean', default: true, description: 'fail when src does not exist' },
    validate_checksum: { type: 'boolean', default: true, description: 'check the written file against the target\'s sha1' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

const hash = (algo: 'sha1' | 'md5', data: Buffer): string => createHash(algo).update(data).digest('hex');

async function localFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

// Where the file goes on the controller.
export function fetchDest(src: string, dest: string, flat: boolean, host: string, baseDir: string): string {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  if (flat) return normalize(abs(dest.endsWith('/') ? join(dest, src.split('/').pop() ?? '') : dest));
  return normalize(`${abs(dest)}/${host}/${src}`);
}

export default defineModule({
  name: 'fetch',
  summary: 'Copy a file from the host to the controller (dest/inventory_hostname/src, or flat)',
  schema,
  freeForm: 'kv',
  checkMode: 'skipped, as in Ansible (fetch does not support check mode), with a "would run" line naming the copy',
  example: '- fetch:\n    src: /etc/kubernetes/admin.conf\n    dest: kubeconfigs/{{ inventory_hostname }}.conf\n    flat: true',
  async probe(ctx, args): Promise<Probe> {
    // skipped as in Ansible, but saying what a real run would copy (the check summary lists it)
    if (ctx.checkMode) return { changed: true, checkResult: { changed: false, skipped: true, msg: 'check mode not (yet) supported for this module', _tsplay_would_run: `copy ${args.src} from ${ctx.target} to ${args.dest} on the controller` } };
    const { src, flat } = args;
    const r = await ctx.host_.query(sh`if [ -d ${src} ]; then echo directory; else base64 -w0 < ${src}; fi`);
    if (r.rc !== 0 || r.stdout.trim() === 'directory') {
      const isDir = r.stdout.trim() === 'directory';
      const missing = `${isDir ? 'remote file is a directory, fetch cannot work on directories' : /No such file/.test(r.stderr) ? 'the remote file does not exist' : slurpError(src, r.stderr)}, not transferring, ignored`;
      if (!args.fail_on_missing) return { changed: false, result: { changed: false, file: src, msg: missing } };
      return { changed: false, result: { file: src }, failed: isDir ? 'remote file is a directory, fetch cannot work on directories' : missing };
    }
    const data = Buffer.from(r.stdout, 'base64');
    const remoteChecksum = hash('sha1', data);
    const baseDir = ctx.searchPaths[ctx.searchPaths.length - 1] ?? process.cwd();
    const dest = fetchDest(src, args.dest, flat, ctx.host, baseDir);
    const local = await localFile(dest);
    if (local && hash('sha1', local) === remoteChecksum) {
      return { changed: false, result: { changed: false, md5sum: hash('md5', local), file: src, dest, checksum: remoteChecksum } };
    }
    return {
      changed: true,
      apply: async (): Promise<ModuleResult> => {
        await mkdir(dirname(dest), { recursive: true });
        await writeFile(dest, data);
        const written = (await localFile(dest)) ?? Buffer.alloc(0);
        const result = { md5sum: hash('md5', written), dest, remote_md5sum: null, checksum: hash('sha1', written), remote_checksum: remoteChecksum };
        if (args.validate_checksum && result.checksum !== remoteChecksum) return { ...result, changed: false, failed: true, msg: 'checksum mismatch', file: src };
        return { ...result, changed: true };
      },
    };
  },
});
