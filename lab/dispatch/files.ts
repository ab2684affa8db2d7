// The read-only file commands of the engine's path probes (`[ -e|-L|-f|-d P ]`, `stat -c FORMAT`,
// `sha1sum`, `readlink`, `cat` of one path) answered in process from the file system, exactly as
// the shell user would see them: every directory on the way must be searchable by that user and
// a file read must be readable by it (mode bits, as the kernel checks them for a user without
// supplementary groups, which is how the lab starts its shells). Whatever this cannot answer for
// certain (an error other than a missing path, a name coreutils would escape, a type it does not
// name) returns undefined: the caller then runs the real program.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type FileTool = 'stat' | 'sha1sum' | 'readlink' | 'cat';

// One planned file command: the tool, whether stat follows a link, stat's format, the path.
export interface FileCommand {
  tool: FileTool;
  follow: boolean;
  format: string;
  path: string;
}

// Who runs the shell: a uid and gid to check the mode bits for, or undefined for the lab's own user
// (whose access the file system checks itself).
export interface Reader {
  uid: number;
  gid: number;
}

export interface FileAnswer {
  stdout: string | Buffer;
  rc: number;
}

const FORMAT = /^(?:%[FaUGugsY]|[^%\\])+$/;
// The largest file read whole in the daemon's memory; a larger one is the real program's (it streams).
const MAX_READ_BYTES = 4 * 1024 * 1024;

// The command NAME ARGS as a FileCommand, or undefined when it is another form.
export function fileCommand(name: string, args: string[]): FileCommand | undefined {
  const rest = [...args];
  let follow = false;
  let format = '';
  if (name === 'stat') {
    while (rest[0] === '-L' || rest[0] === '-c') {
      const flag = rest.shift();
      if (flag === '-L') follow = true;
      else format = rest.shift() ?? '';
    }
    if (!FORMAT.test(format)) return undefined;
  } else if (name !== 'sha1sum' && name !== 'readlink' && name !== 'cat') return undefined;
  if (rest[0] === '--') rest.shift();
  const [path] = rest;
  if (rest.length !== 1 || !path || (path.startsWith('-') && !args.includes('--'))) return undefined;
  return { tool: name, follow, format, path };
}

// The permission class (owner, group, other) of the reader for a file, as a shift of the mode bits.
const shift = (st: Stats, r: Reader) => (st.uid === r.uid ? 6 : st.gid === r.gid ? 3 : 0);
const allows = (st: Stats, r: Reader | undefined, bit: number) => !r || ((st.mode >> shift(st, r)) & bit) !== 0;

type Lookup = { kind: 'found'; st: Stats } | { kind: 'missing' } | { kind: 'unsure' };

// stat (follow) or lstat of `path` as the reader sees it: missing when the path does not exist;
// unsure when a directory on the way is not searchable by the reader, or a link on the way (or a
// followed one at the end) would need the checks repeated along its target.
function look(path: string, follow: boolean, reader: Reader | undefined): Lookup {
  try {
    if (reader) {
      for (let dir = dirname(path); ; dir = dirname(dir)) {
        const st = lstatSync(dir);
        if (st.isSymbolicLink() || !allows(st, reader, 1)) return { kind: 'unsure' };
        if (dir === dirname(dir)) break;
      }
    }
    const st = lstatSync(path);
    if (!follow || !st.isSymbolicLink()) return { kind: 'found', st };
    return reader ? { kind: 'unsure' } : { kind: 'found', st: statSync(path) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'unsure' };
  }
}

// `[ OP PATH ]` in directory cwd: 0 or 1, or undefined when unsure.
export function fileTest(op: string, path: string, cwd: string, reader: Reader | undefined): number | undefined {
  const l = look(resolve(cwd, path), op !== '-L', reader);
  if (l.kind === 'unsure') return undefined;
  if (l.kind === 'missing') return 1;
  const yes = op === '-e' || (op === '-f' && l.st.isFile()) || (op === '-d' && l.st.isDirectory()) || (op === '-L' && l.st.isSymbolicLink());
  return yes ? 0 : 1;
}

function typeName(st: Stats): string | undefined {
  if (st.isFile()) return st.size === 0 ? 'regular empty file' : 'regular file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic link';
  return undefined;
}

// A name from /etc/passwd or /etc/group by number (stat's %U and %G), UNKNOWN when there is none.
function nameOf(file: string, id: number): string {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[2] === String(id) && f[0]) return f[0];
  }
  return 'UNKNOWN';
}

function statLine(format: string, st: Stats): string | undefined {
  const type = typeName(st);
  if (type === undefined) return undefined;
  return `${format.replace(/%(.)/g, (_, c: string) => {
    switch (c) {
      case 'F':
        return type;
      case 'a':
        return (st.mode & 0o7777).toString(8);
      case 'U':
        return nameOf('/etc/passwd', st.uid);
      case 'G':
        return nameOf('/etc/group', st.gid);
      case 'u':
        return String(st.uid);
      case 'g':
        return String(st.gid);
      case 's':
        return String(st.size);
      default:
        return String(Math.floor(st.mtimeMs / 1000));
    }
  })}\n`;
}

// A regular file's content as the reader, or undefined when it is not one it may read.
function content(path: string, reader: Reader | undefined): Buffer | undefined {
  const l = look(path, true, reader);
  if (l.kind !== 'found' || !l.st.isFile() || l.st.size > MAX_READ_BYTES || !allows(l.st, reader, 4)) return undefined;
  try {
    const data = readFileSync(path);
    // grown since the stat: the real program reads it as it is now
    return data.length > MAX_READ_BYTES ? undefined : data;
  } catch {
    return undefined;
  }
}

// What the command prints and returns, or undefined when the real program must answer.
export function runFileCommand(c: FileCommand, cwd: string, reader: Reader | undefined): FileAnswer | undefined {
  const path = resolve(cwd, c.path);
  switch (c.tool) {
    case 'stat': {
      const l = look(path, c.follow, reader);
      const line = l.kind === 'found' ? statLine(c.format, l.st) : undefined;
      return line === undefined ? undefined : { stdout: line, rc: 0 };
    }
    case 'readlink': {
      const l = look(path, false, reader);
      if (l.kind === 'missing' || (l.kind === 'found' && !l.st.isSymbolicLink())) return { stdout: '', rc: 1 };
      if (l.kind !== 'found') return undefined;
      const target = readlinkSync(path, 'buffer');
      return { stdout: Buffer.concat([target, Buffer.from('\n')]), rc: 0 };
    }
    case 'sha1sum': {
      if (/[\\\n\r]/.test(c.path)) return undefined;
      const data = content(path, reader);
      return data && { stdout: `${createHash('sha1').update(data).digest('hex')}  ${c.path}\n`, rc: 0 };
    }
    case 'cat': {
      const data = content(path, reader);
      return data && { stdout: data, rc: 0 };
    }
  }
}
