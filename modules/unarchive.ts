// unarchive: unpacks a tar (plain, gz, bz2, xz, zst) or zip archive into an existing directory on
// the target, like Ansible's unarchive. src is a controller file (copied first), a file on the
// target (remote_src) or a URL (downloaded on the target). Idempotence: unchanged when every member
// exists under dest with the archive's size (Ansible diffs attributes too); `creates` skips.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type ArgsOf, type HostReader, type ModuleResult, type Probe } from '../engine/module.js';
import { ATTR_PROPERTIES, attrCommand, attrResult, attrsOf } from './lib/file-attrs.js';
import { readPath } from './lib/remote-file.js';
import { findSource } from './copy.js';
import { extractCommand, handlerFor, listCommand, parseListing, type Handler, type Member } from './lib/archive.js';
import { FIND_TOOL, parseResponse, requestCommand, toolFrom } from './lib/http-target.js';

// The unarchive arguments (ansible-core 2.14's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: 'the archive: a controller file (searched in files/), a target file with remote_src, or a URL' },
    dest: { type: 'string', description: 'an existing directory on the target' },
    remote_src: { type: 'boolean', default: false, description: 'src is already on the target' },
    copy: { type: 'boolean', default: true, description: 'deprecated inverse of remote_src' },
    creates: { type: 'string', description: 'do nothing when this path exists on the target' },
    list_files: { type: 'boolean', default: false, description: 'return the archive members as `files`' },
    exclude: { type: 'array', items: { type: 'string' }, default: [], description: 'members (or patterns) not to extract' },
    include: { type: 'array', items: { type: 'string' }, default: [], description: 'only these members' },
    keep_newer: { type: 'boolean', default: false, description: 'do not replace files newer than the archive\'s (tar)' },
    extra_opts: { type: 'array', items: { type: 'string' }, default: [], description: 'extra options for tar or unzip, e.g. [--strip-components=1]' },
    io_buffer_size: { type: 'integer', default: 65536, description: 'accepted and ignored' },
    validate_certs: { type: 'boolean', default: true, description: 'for a URL src: false skips TLS verification' },
    decrypt: { type: 'boolean', default: true, description: 'accepted and ignored (no vault)' },
    ...ATTR_PROPERTIES,
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

type Args = ArgsOf<typeof schema>;
const run = promisify(execFile);

interface Source {
  kind: 'controller' | 'remote' | 'url';
  path: string;
  data?: Buffer;
  handler?: Handler;
  members?: Member[];
}

// Reads the archive's format and members where it is (controller or target); URLs are read after download.
async function readSource(host: HostReader, a: Args, searchPaths: string[]): Promise<Source | string> {
  if (/^[a-z]+:\/\//.test(a.src)) return { kind: 'url', path: a.src };
  if (a.remote_src || !a.copy) {
    const head = await host.query(sh`head -c 8 -- ${a.src} | od -An -tx1`);
    const handler = head.rc === 0 ? handlerFor(head.stdout) : undefined;
    if (!handler) return `Source '${a.src}' does not exist`;
    const list = await host.query(listCommand(handler, a.src));
    if (list.rc !== 0) return `Failed to find handler for "${a.src}". Make sure the required command to extract the file is installed.\n${list.stderr.trim()}`;
    return { kind: 'remote', path: a.src, handler, members: parseListing(handler, list.stdout) };
  }
  const path = findSource(a.src, searchPaths);
  if (!path) return `Could not find or access '${a.src}' on the Ansible Controller.`;
  const data = await readFile(path);
  const handler = handlerFor(data.subarray(0, 8).toString('hex'));
  if (!handler) return `Failed to find handler for "${a.src}"`;
  try {
    const out = handler === 'ZipArchive' ? await run('unzip', ['-Zl', '--', path]) : await run('tar', ['--numeric-owner', '-tvf', path]);
    return { kind: 'controller', path, data, handler, members: parseListing(handler, out.stdout) };
  } catch (e) {
    return `Failed to find handler for "${a.src}": ${e instanceof Error ? e.message : String(e)}`;
  }
}

// Members missing under dest or of another size.
async function outdated(host: HostReader, dest: string, members: Member[]): Promise<Member[]> {
  if (members.length === 0) return [];
  const r = await host.query(sh`cd ${dest} && stat -c '%F|%s|%n' -- ${members.map((m) => m.path)} 2>/dev/null; true`);
  const seen = new Map<string, { dir: boolean; size: number }>();
  for (const line of r.stdout.split('\n')) {
    const [type = '', size = '', ...name] = line.split('|');
    if (name.length) seen.set(name.join('|'), { dir: type === 'directory', size: Number(size) });
  }
  return members.filter((m) => {
    const s = seen.get(m.path);
    return !s || s.dir !== m.dir || (!m.dir && s.size !== m.size);
  });
}

export default defineModule({
  name: 'unarchive',
  summary: 'Unpack a tar or zip archive (from the controller, the host or a URL) into a directory on the host',
  schema,
  freeForm: 'kv',
  checkMode: 'lists the archive and compares its members with dest; reports what would be extracted, changes nothing',
  example: '- unarchive:\n    src: https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz\n    dest: /usr/local/bin\n    remote_src: true\n    extra_opts: [--strip-components=1]\n    include: [linux-amd64/helm]',
  async probe(ctx, args): Promise<Probe> {
    const { dest } = args;
    if (args.creates !== undefined && (await ctx.host_.query(sh`test -e ${args.creates}`)).rc === 0) {
      const skipped = { changed: false, skipped: true, msg: `skipped, since ${args.creates} exists` };
      return { changed: false, result: skipped };
    }
    const d = await readPath(ctx.host_, dest, { follow: true });
    if (d.type !== 'directory') return { changed: false, failed: `dest '${dest}' must be an existing dir` };
    const src = await readSource(ctx.host_, args, ctx.searchPaths);
    if (typeof src === 'string') return { changed: false, failed: src };
    const base: ModuleResult = { dest, src: args.src, ...(src.handler ? { handler: src.handler } : {}), ...attrResult(d) };
    if (args.list_files && src.members) base['files'] = src.members.map((m) => (m.dir ? `${m.path}/` : m.path));
    const wanted = src.members?.filter((m) => (args.include.length === 0 || args.include.includes(m.path)) && !args.exclude.includes(m.path));
    const todo = wanted ? await outdated(ctx.host_, dest, wanted) : undefined;
    const attrs = attrsOf(args);
    if (todo && todo.length === 0 && Object.keys(attrs).length === 0) return { changed: false, result: { ...base, changed: false } };
    const diff = todo ? [{ prepared: `extract into ${dest}: ${todo.map((m) => m.path).join(', ') || '(attributes only)'}` }] : [];
    return { changed: true, result: base, diff, apply: (actx) => extract(actx, args, src, base, wanted ?? []) };
  },
});

// Puts or downloads the archive on the target when needed, extracts it, fixes attributes, cleans up.
async function extract(actx: ApplyContext, a: Args, src: Source, base: ModuleResult, members: Member[]): Promise<ModuleResult> {
  const exec = (c: ReturnType<typeof sh>) => actx.host_.run(c, actx.execDefaults);
  let archive = src.path;
  let handler = src.handler;
  let tmp: string | undefined;
  if (src.kind !== 'remote') {
    const mk = await exec(sh`mktemp`);
    tmp = archive = mk.stdout.trim();
    if (src.kind === 'controller') await actx.host_.put(src.data ?? Buffer.alloc(0), tmp, { mode: '0600' });
    else {
      const tool = toolFrom((await actx.host_.query(FIND_TOOL)).stdout);
      if (!tool) return { ...base, changed: false, failed: true, msg: 'a URL src needs curl or wget on the target' };
      const req = { url: src.path, method: 'GET', headers: {}, timeout: 10, validateCerts: a.validate_certs, follow: true };
      const got = await exec(requestCommand(tool, req));
      const res = parseResponse(req, got.rc, got.stdout, got.stderr);
      if (res.status !== 200) return { ...base, changed: false, failed: true, msg: `Failure downloading ${src.path}, ${res.error ?? `HTTP Error ${res.status}`}` };
      await exec(sh`mv -f -- ${res.tmp} ${tmp}`);
      const head = await actx.host_.query(sh`head -c 8 -- ${tmp} | od -An -tx1`);
      handler = handlerFor(head.stdout);
    }
  }
  if (!handler) return { ...base, changed: false, failed: true, msg: `Failed to find handler for "${a.src}"` };
  const cmd = extractCommand(handler, archive, a.dest, { extraOpts: a.extra_opts, exclude: a.exclude, include: a.include, keepNewer: a.keep_newer });
  const r = await exec(cmd);
  if (tmp) await exec(sh`rm -f -- ${tmp}`);
  const extract_results = { cmd: cmd.display, rc: r.rc, out: r.stdout, err: r.stderr };
  if (r.rc !== 0) return { ...base, handler, changed: false, failed: true, msg: `failed to unpack ${archive} to ${a.dest}`, extract_results };
  // Ansible sets the file attributes on every extracted member
  for (const m of members) {
    const path = posix.join(a.dest, m.path);
    const fix = attrCommand(path, attrsOf(a));
    if (fix) await exec(sh`test -e ${path} && ${fix} || true`);
  }
  return { ...base, handler, changed: true, extract_results, ...attrResult(await readPath(actx.host_, a.dest, { follow: true })) };
}
