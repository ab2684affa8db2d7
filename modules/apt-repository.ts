// apt_repository: adds or removes an APT source line, like Ansible's apt_repository: the line is
// looked for in sources.list and every sources.list.d/*.list (whitespace and option order aside);
// a new line goes to sources.list.d/FILENAME.list (named after the repository's host and path by
// default); apt-get update runs after a change unless update_cache is false.
import { posix } from 'node:path';
import { sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type DiffEntry, type ModuleResult, type Probe } from '../engine/module.js';
import { normalizeMode } from './lib/remote-file.js';

// The apt_repository arguments (ansible-core 2.14's names, aliases and defaults).
export const schema = {
  type: 'object',
  properties: {
    repo: { type: 'string', description: 'the source line, e.g. "deb [signed-by=/etc/apt/keyrings/k.gpg] https://pkgs.k8s.io/core:/stable:/v1.29/deb/ /"' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the line is configured' },
    filename: { type: 'string', description: 'the sources.list.d file name without .list (default: from the repository URL)' },
    mode: { type: ['string', 'integer'], description: 'mode of a new sources file (default 0644)' },
    update_cache: { type: 'boolean', default: true, aliases: ['update-cache'], description: 'run apt-get update after a change' },
    update_cache_retries: { type: 'integer', default: 5, description: 'accepted; apt-get update runs once' },
    update_cache_retry_max_delay: { type: 'integer', default: 12, description: 'accepted and ignored' },
    validate_certs: { type: 'boolean', default: true, description: 'accepted and ignored (no PPA lookups)' },
    codename: { type: 'string', description: 'replaces $codename / the release in PPA lines' },
    install_python_apt: { type: 'boolean', default: true, description: 'accepted and ignored (tsplay needs no python-apt)' },
  },
  required: ['repo'],
  additionalProperties: false,
} as const;

const SOURCES_D = '/etc/apt/sources.list.d';
const MARK = '@@tsplay-file@@ ';

// A source line in a comparable form: type, sorted options, URI without trailing slash, suite, components.
export function canonical(line: string): string | undefined {
  const m = /^\s*(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*?)\s*$/.exec(line.replace(/#.*$/, ''));
  if (!m) return undefined;
  const opts = (m[2] ?? '').trim().split(/\s+/).filter(Boolean).sort().join(' ');
  return [m[1], opts ? `[${opts}]` : '', (m[3] ?? '').replace(/\/+$/, ''), m[4], (m[5] ?? '').split(/\s+/).filter(Boolean).join(' ')].filter(Boolean).join(' ');
}

// Ansible's default file name: the repository's host and path, non-alphanumerics as underscores.
export function suggestFilename(repo: string): string {
  const line = repo.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p && p !== 'deb' && p !== 'deb-src');
  const first = (parts[0] ?? '').split('@').pop() ?? '';
  return first.replace(/[^a-zA-Z0-9]/g, ' ').trim().split(/\s+/).join('_');
}

export default defineModule({
  name: 'apt_repository',
  summary: 'Add or remove an APT source line (sources.list.d), then update the cache',
  schema,
  freeForm: 'kv',
  checkMode: 'reads the sources files and shows the file diff; writes nothing, no apt-get update',
  example: '- apt_repository:\n    repo: "deb [signed-by=/etc/apt/keyrings/kubernetes.gpg] https://pkgs.k8s.io/core:/stable:/v1.29/deb/ /"\n    filename: kubernetes',
  async probe(ctx, args): Promise<Probe> {
    const repo = args.codename ? args.repo.replace(/\$codename/g, args.codename) : args.repo;
    const want = canonical(repo);
    if (!want) return { changed: false, failed: `Invalid repository string: ${repo}` };
    const r = await ctx.host_.query(sh`for f in /etc/apt/sources.list ${SOURCES_D}/*.list; do [ -f "$f" ] && { echo "@@tsplay-file@@ $f"; cat "$f"; }; done; true`);
    const files = new Map<string, string>();
    let current = '';
    for (const line of r.stdout.replace(/\n$/, '').split('\n')) {
      if (line.startsWith(MARK)) files.set((current = line.slice(MARK.length)), '');
      else if (current) files.set(current, `${files.get(current)}${line}\n`);
    }
    const enabled = (l: string) => !/^\s*#/.test(l) && canonical(l) === want;
    const diff: DiffEntry[] = [];
    const writes = new Map<string, string>();
    if (args.state === 'present') {
      if ([...files.values()].some((t) => t.split('\n').some(enabled))) return { changed: false, result: { changed: false, repo, state: 'present' } };
      const file = posix.join(SOURCES_D, `${args.filename ?? suggestFilename(repo)}.list`);
      const before = files.get(file) ?? '';
      const after = `${before}${before && !before.endsWith('\n') ? '\n' : ''}${repo}\n`;
      writes.set(file, after);
      diff.push({ before_header: file, after_header: file, before, after });
    } else {
      for (const [file, text] of files) {
        const lines = text.replace(/\n$/, '').split('\n');
        const kept = lines.filter((l) => !enabled(l));
        if (kept.length === lines.length) continue;
        const after = kept.length ? `${kept.join('\n')}\n` : '';
        writes.set(file, after);
        diff.push({ before_header: file, after_header: file, before: text, after });
      }
      if (writes.size === 0) return { changed: false, result: { changed: false, repo, state: 'absent' } };
    }
    const result: ModuleResult = { repo, state: args.state, [args.state === 'present' ? 'sources_added' : 'sources_removed']: [...writes.keys()] };
    return { changed: true, result, diff, apply: (actx) => writeSources(actx, writes, normalizeMode(args.mode) ?? '0644', args.update_cache, result) };
  },
});

async function writeSources(actx: ApplyContext, writes: Map<string, string>, mode: string, update: boolean, result: ModuleResult): Promise<ModuleResult> {
  for (const [file, text] of writes) {
    if (text === '' && !file.endsWith('/sources.list')) await actx.host_.run(sh`rm -f -- ${file}`, actx.execDefaults);
    else await actx.host_.put(text, file, { mode });
  }
  if (!update) return { ...result, changed: true };
  const r = await actx.host_.run(sh`apt-get update`, { ...actx.execDefaults, env: { ...actx.execDefaults.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.rc !== 0) return { ...result, changed: true, failed: true, msg: `Failed to update apt cache: ${(r.stderr || r.stdout).trim()}` };
  return { ...result, changed: true };
}
