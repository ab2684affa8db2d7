// Archives for unarchive: the format from the first bytes (Ansible's handler names), the member
// listing (tar -tvf / unzip -Z1 style output) and the commands that list and extract on the target.
import { raw, sh, type ShellCommand } from '../../engine/connection/command.js';

export type Handler = 'ZipArchive' | 'TgzArchive' | 'TarBzipArchive' | 'TarXzArchive' | 'TarZstdArchive' | 'TarArchive';

/** one member of the archive */
export interface Member {
  path: string;
  dir: boolean;
  size: number;
}

// The handler for an archive from its first bytes (hex), as Ansible would pick it.
export function handlerFor(hex: string): Handler | undefined {
  const h = hex.replace(/\s+/g, '').toLowerCase();
  if (h.startsWith('504b0304') || h.startsWith('504b0506')) return 'ZipArchive';
  if (h.startsWith('1f8b')) return 'TgzArchive';
  if (h.startsWith('425a68')) return 'TarBzipArchive';
  if (h.startsWith('fd377a585a00')) return 'TarXzArchive';
  if (h.startsWith('28b52ffd')) return 'TarZstdArchive';
  return h.length > 0 ? 'TarArchive' : undefined;
}

// The listing command on the target: `tar -tvf` (GNU tar detects the compression) or `unzip -Zl`.
export function listCommand(handler: Handler, archive: string): ShellCommand {
  return handler === 'ZipArchive' ? sh`unzip -Zl -- ${archive}` : sh`tar --numeric-owner -tvf ${archive}`;
}

// Parses `tar -tv` lines (mode owner/group size date time name) or `unzip -Zl` lines.
export function parseListing(handler: Handler, out: string): Member[] {
  const members: Member[] = [];
  for (const line of out.split('\n')) {
    if (handler === 'ZipArchive') {
      // -rw-r--r--  3.0 unx       13 tx       13 stor 24-Jun-26 16:16 dir/file.txt
      const m = /^([-dl][rwxsStT-]{9})\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(.*)$/.exec(line);
      if (m) members.push({ path: (m[3] ?? '').replace(/\/$/, ''), dir: m[1]?.startsWith('d') === true || (m[3] ?? '').endsWith('/'), size: Number(m[2]) });
      continue;
    }
    const m = /^([-dlhbcp][rwxsStT-]{9})\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    const name = (m[3] ?? '').replace(/ (->|link to) .*$/, '');
    members.push({ path: name.replace(/^\.\//, '').replace(/\/$/, ''), dir: m[1]?.startsWith('d') === true, size: Number(m[2]) });
  }
  return members.filter((x) => x.path !== '' && x.path !== '.');
}

// The extraction command (extra_opts go to tar/unzip as given; exclude/include as they understand them).
export function extractCommand(handler: Handler, archive: string, dest: string, o: { extraOpts: string[]; exclude: string[]; include: string[]; keepNewer: boolean }): ShellCommand {
  if (handler === 'ZipArchive') {
    const exclude = o.exclude.length ? sh` -x ${o.exclude}` : sh``;
    return sh`unzip -o ${o.extraOpts} ${archive} ${o.include}${exclude} -d ${dest}`;
  }
  const keep = o.keepNewer ? raw(' --keep-newer-files') : raw('');
  const excludes = o.exclude.map((e) => sh` --exclude=${e}`);
  return sh`tar --extract -C ${dest}${keep}${excludes} ${o.extraOpts} -f ${archive}${o.include.length ? sh` -- ${o.include}` : sh``}`;
}
