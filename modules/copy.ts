// copy: puts a file or a directory tree (from the controller, inline content, or another
// path on the host with remote_src) on the host; unchanged files report ok.
import { readFile, readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, isAbsolute, posix, relative } from 'node:path';
import { sh } from '../engine/connection/command.js';
import { defineModule, type Probe, type ProbeContext } from '../engine/module.js';
import { ATTR_PROPERTIES, attrsOf, type Attrs } from './lib/file-attrs.js';
import { probePut } from './lib/put-file.js';
import { readPath } from './lib/remote-file.js';

// The copy arguments.
export const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: "a file or directory on the controller (searched in the role's files/ and the playbook dir); with remote_src, a path on the host" },
    content: { description: 'the file content, instead of src' },
    dest: { type: 'string', description: 'the path on the host; ending in / means "into this directory"' },
    ...ATTR_PROPERTIES,
    force: { type: 'boolean', default: true, description: 'replace a file whose content differs' },
    validate: { type: 'string', description: 'command that must accept the new content before it is written; %s is a temporary file (split like a shell would, but not run by one)' },
    backup: { type: 'boolean', default: false, description: 'keep a timestamped copy of the old file' },
    remote_src: { type: 'boolean', default: false, description: 'src is a file on the host, not the controller' },
    directory_mode: { type: ['string', 'integer'], description: 'mode of directories created when copying a tree' },
  },
  required: ['dest'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'copy',
  summary: 'Copy a file, a directory tree or inline content to the host (unchanged files report ok)',
  schema,
  freeForm: 'kv',
  checkMode: 'compares checksums and reports the content diff; writes nothing',
  example: '- copy:\n    content: "--metrics\\n"\n    dest: /var/snap/microk8s/current/args/k8s-dqlite\n    mode: "0644"',
  async probe(ctx, args) {
    let dest = args.dest;
    const attrs = attrsOf(args);
    const { force, backup } = args;
    if (args.content !== undefined) {
      const content = typeof args.content === 'string' ? args.content : JSON.stringify(args.content);
      if (dest.endsWith('/')) return { changed: false, failed: `can not use content with a dir as dest: ${dest}` };
      return guardParent(ctx, dest, () => probePut(ctx, { dest, content, attrs, force, backup, ...validateOf(args) }));
    }
    const src = args.src;
    if (src === undefined) return { changed: false, failed: 'src (or content) is required' };
    if (args.remote_src) return probeRemote(ctx, src, dest, attrs);
    const path = findSource(src, ctx.searchPaths);
    if (!path) return { changed: false, failed: `Could not find or access '${src}' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option` };
    const st = await stat(path);
    if (st.isDirectory()) return probeTree(ctx, path, src, dest, attrs, force);
    if (!st.isFile()) return { changed: false, failed: `Source ${src} is not a regular file (a device or a pipe cannot be copied)` };
    if (dest.endsWith('/')) dest = dest + posix.basename(src);
    const content = await readFile(path);
    return guardParent(ctx, dest, () => probePut(ctx, { dest, content, src: path, attrs, force, backup, ...validateOf(args) }));
  },
});

// The validate command, when given.
function validateOf(args: { validate?: string | undefined }): { validate?: string } {
  return args.validate !== undefined ? { validate: args.validate } : {};
}

// Fails like Ansible when the destination's directory does not exist.
async function guardParent(ctx: ProbeContext, dest: string, next: () => Promise<Probe>): Promise<Probe> {
  const dir = posix.dirname(dest);
  const st = await readPath(ctx.host_, dir, { follow: true });
  if (st.type === 'absent' && !ctx.checkMode) return { changed: false, failed: `Destination directory ${dir} does not exist` };
  return next();
}

async function probeRemote(ctx: ProbeContext, src: string, dest: string, attrs: Attrs): Promise<Probe> {
  const s = await readPath(ctx.host_, src, { checksum: true, follow: true });
  if (s.type !== 'file') return { changed: false, failed: `Source ${src} not found` };
  const target = dest.endsWith('/') ? dest + posix.basename(src) : dest;
  const d = await readPath(ctx.host_, target, { checksum: true, follow: true });
  const changed = d.type === 'absent' || d.checksum !== s.checksum;
  const result = { dest: target, src, checksum: s.checksum, changed };
  if (!changed) return { changed: false, result };
  return {
    changed: true,
    result,
    apply: async (actx) => {
      const mode = attrs.mode ? sh` && chmod ${attrs.mode} -- ${target}` : sh``;
      const r = await actx.host_.run(sh`cp -- ${src} ${target}${mode}`, actx.execDefaults);
      return r.rc === 0 ? { ...result, changed: true } : { ...result, failed: true, msg: r.stderr.trim() };
    },
  };
}

async function listTree(root: string): Promise<{ dirs: string[]; files: string[] }> {
  const dirs: string[] = [];
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        dirs.push(relative(root, p));
        await walk(p);
      } else if (e.isFile()) files.push(relative(root, p));
    }
  };
  await walk(root);
  return { dirs, files };
}

// Copies a controller directory: `src` without a trailing slash copies the directory itself.
async function probeTree(ctx: ProbeContext, root: string, src: string, dest: string, attrs: Attrs, force: boolean): Promise<Probe> {
  const base = src.endsWith('/') ? dest : posix.join(dest, posix.basename(root));
  const tree = await listTree(root);
  const dirs = [base, ...tree.dirs.map((d) => posix.join(base, d))];
  const probes: Probe[] = [];
  for (const f of tree.files) probes.push(await probePut(ctx, { dest: posix.join(base, f), content: await readFile(join(root, f)), src: join(root, f), attrs, force, backup: false }));
  const missingDirs: string[] = [];
  for (const d of dirs) if ((await readPath(ctx.host_, d)).type === 'absent') missingDirs.push(d);
  const changed = missingDirs.length > 0 || probes.some((p) => p.changed);
  const result = { dest: base.endsWith('/') ? base : `${base}/`, src: root, changed };
  if (!changed) return { changed: false, result };
  return {
    changed: true,
    result,
    diff: probes.flatMap((p) => p.diff ?? []),
    apply: async (actx) => {
      if (missingDirs.length) await actx.host_.run(sh`mkdir -p -- ${missingDirs}`, actx.execDefaults);
      for (const p of probes) if (p.changed && p.apply) await p.apply(actx);
      return { ...result, changed: true };
    },
  };
}

// Finds a controller file in files/ of the search paths, then the paths themselves.
export function findSource(name: string, searchPaths: string[], sub = 'files'): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const d of searchPaths) for (const p of [join(d, sub, name), join(d, name)]) if (existsSync(p)) return p;
  return undefined;
}
