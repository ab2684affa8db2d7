// find: lists files on the host matching name, type, age, size and content rules, with
// Ansible 2.14's result (files with stat info, matched, examined, skipped_paths); read-only.
import { joinCommands, raw, sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type HostReader } from '../engine/module.js';
import { lstatLinks } from './lib/find-lstat.js';
import { contentFilter, parseAge, parseSize } from './lib/find-match.js';
import { PRINTF, findMaxDepth, parseFindOutput, statInfo, walkEntries, type FindEntry, type WalkOptions } from './lib/find-walk.js';

const list = { type: 'array', items: { type: 'string' } } as const;

// Arguments of find (Ansible 2.14's, minus encoding/checksum_algorithm).
export const schema = {
  type: 'object',
  properties: {
    paths: { ...list, aliases: ['name', 'path'], description: 'directories to search; a string is split on commas' },
    patterns: { ...list, aliases: ['pattern'], description: 'basename globs (or Python regexps with use_regex); default all' },
    excludes: { ...list, aliases: ['exclude'], description: 'basenames matching these are left out' },
    contains: { type: 'string', description: 'Python regexp a line must start with (file_type=file only)' },
    read_whole_file: { type: 'boolean', default: false, description: 'search contains in the whole file instead of matching lines' },
    file_type: { enum: ['file', 'directory', 'link', 'any'], default: 'file', description: 'the type of entries to return' },
    age: { type: ['string', 'number'], description: 'minimum age (e.g. 2d, 4h); negative for maximum age' },
    age_stamp: { enum: ['atime', 'ctime', 'mtime'], default: 'mtime', description: 'the timestamp age compares' },
    size: { type: ['string', 'number'], description: 'minimum size (e.g. 10k, 1m); negative for maximum size' },
    recurse: { type: 'boolean', default: false, description: 'descend into subdirectories' },
    hidden: { type: 'boolean', default: false, description: 'include names starting with a dot' },
    follow: { type: 'boolean', default: false, description: 'follow symlinked directories' },
    get_checksum: { type: 'boolean', default: false, description: 'add the sha1 checksum of regular files' },
    use_regex: { type: 'boolean', default: false, description: 'patterns are Python regexps (re.match) instead of globs' },
    depth: { type: 'integer', description: 'maximum depth when recursing' },
  },
  additionalProperties: false,
} as const;

// Where find starts for a path (a leading ~ is the remote $HOME, a leading - gets ./).
function startPath(p: string): ShellCommand {
  if (p === '~') return sh`${raw('"$HOME"')}`;
  if (p.startsWith('~/')) return sh`"$HOME"/${p.slice(2)}`;
  return p.startsWith('-') ? sh`${`./${p}`}` : sh`${p}`;
}

// One command listing every path: host time, $HOME, then per path a section of records.
function listCommand(paths: string[], o: WalkOptions): ShellCommand {
  const parts: ShellCommand[] = [sh`printf '%s\\0' "$(date +%s.%N)" "$HOME"`];
  for (const p of paths) {
    const start = startPath(p);
    const max = findMaxDepth(p, o);
    const flag = o.follow ? raw(`\\( -xtype l -printf 'l\\0' -o -printf '-\\0' \\)`) : raw(`-printf '-\\0'`);
    const opts = raw(o.follow ? '-L' : '-H');
    const maxd = max === undefined ? sh`` : sh` -maxdepth ${max}`;
    parts.push(sh`printf '@P\\0'; if [ -d ${start} ]; then find ${opts} ${start} -mindepth 1${maxd} ${flag} -printf ${PRINTF} || printf '@E\\0'; else printf '@N\\0'; fi`);
  }
  return joinCommands(parts, '; ');
}

// Reads sha1 and/or content (base64) of files in a second command, NUL separated.
async function readFiles(host: HostReader, paths: string[], sha: boolean, content: boolean): Promise<{ sha?: string; data?: Buffer }[]> {
  const sum = raw(sha ? `printf '%s\\0' "$(sha1sum < "$f" 2>/dev/null | cut -c1-40)"` : `printf '\\0'`);
  const b64 = raw(content ? `base64 -w0 < "$f" 2>/dev/null || printf '!'; printf '\\0'` : `printf '\\0'`);
  const r = await host.query(sh`for f in ${paths}; do ${sum}; ${b64}; done`);
  const t = r.stdout.split('\0');
  return paths.map((_p, i) => {
    const s = t[2 * i] ?? '';
    const d = t[2 * i + 1] ?? '!';
    return { ...(s ? { sha: s } : {}), ...(content && !d.includes('!') ? { data: Buffer.from(d, 'base64') } : {}) };
  });
}

// The find module: one listing command, a second only for contains/get_checksum.
export default defineModule({
  name: 'find',
  summary: 'Find files on the host by name, type, age, size or content',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (read-only)',
  example: "- find:\n    paths: /var/log\n    patterns: '*.gz'\n    age: 7d\n    recurse: true\n  register: old_logs",
  async probe(ctx, args) {
    const paths = args.paths ?? [];
    if (paths.length === 0) return { changed: false, failed: 'missing required arguments: paths' };
    const useRegex = args.use_regex;
    const patterns = args.patterns ?? [];
    let age: number | undefined;
    if (args.age !== undefined) {
      age = parseAge(String(args.age));
      if (age === undefined) return { changed: false, failed: 'failed to process age', result: { age: args.age } };
    }
    let size: number | undefined;
    if (args.size !== undefined) {
      size = parseSize(String(args.size));
      if (size === undefined) return { changed: false, failed: 'failed to process size', result: { size: args.size } };
    }
    const o: WalkOptions = {
      fileType: args.file_type,
      patterns: patterns.length > 0 ? patterns : [useRegex ? '.*' : '*'],
      excludes: args.excludes ?? [],
      useRegex,
      recurse: args.recurse,
      hidden: args.hidden,
      follow: args.follow,
      ...(args.depth !== undefined ? { depth: args.depth } : {}),
      ...(age !== undefined ? { age } : {}),
      ageStamp: args.age_stamp,
      ...(size !== undefined ? { size } : {}),
    };
    const r = await ctx.host_.query(listCommand(paths, o));
    const out = parseFindOutput(r.stdout);
    if (o.follow) await lstatLinks(ctx.host_, paths.flatMap((p, i) => (out.sections[i]?.entries ?? []).filter((e) => e.type === 'l').map((entry) => ({ entry, where: sh`${startPath(p)}/${entry.rel}` }))));
    let matches: { path: string; entry: FindEntry }[] = [];
    let examined = 0;
    const skipped: Record<string, string> = {};
    paths.forEach((p, i) => {
      const npath = p === '~' || p.startsWith('~/') ? out.home + p.slice(1) : p;
      const sec = out.sections[i];
      if (!sec || sec.notDir) { skipped[npath] = `'${npath}' is not a directory`; return; }
      if (sec.error) skipped[npath] = accessError(r.stderr);
      const w = walkEntries(npath, sec.entries, o, out.now);
      matches = matches.concat(w.matches);
      examined += w.examined;
    });
    const contains = args.contains !== undefined && o.fileType === 'file' ? args.contains : undefined;
    const checksum = args.get_checksum;
    const regular = matches.filter((m) => m.entry.type === 'f');
    const extra = new Map<string, { sha?: string; data?: Buffer }>();
    if (regular.length > 0 && (contains !== undefined || checksum)) {
      const got = await readFiles(ctx.host_, regular.map((m) => m.path), checksum, contains !== undefined);
      regular.forEach((m, i) => extra.set(m.path, got[i] ?? {}));
    }
    const files: Record<string, unknown>[] = [];
    for (const m of matches) {
      const x = extra.get(m.path);
      if (contains !== undefined && m.entry.type === 'f' && !contentFilter(x?.data, contains, args.read_whole_file)) continue;
      const info = statInfo(m.path, m.entry);
      if (checksum && m.entry.type === 'f') info['checksum'] = x?.sha ?? null;
      files.push(info);
    }
    const warnings = Object.entries(skipped).map(([p, e]) => `Skipped '${p}' path due to this access issue: ${e}\n`);
    const msg = warnings.length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined';
    const result = { changed: false, files, msg, matched: files.length, examined, skipped_paths: skipped, ...(warnings.length > 0 ? { warnings } : {}) };
    return { changed: false, result };
  },
});

// Python's message for the first directory find could not read.
function accessError(stderr: string): string {
  const m = /find: ['‘](.*)['’]: Permission denied/.exec(stderr);
  return m ? `[Errno 13] Permission denied: '${m[1]}'` : stderr.trim().split('\n')[0] ?? 'find failed';
}
