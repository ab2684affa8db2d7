// The SFTP subsystem of a lab node: requests from ssh2's server-side SFTP mapped onto the node's file
// worker (open/read/write/close/stat/lstat/fstat/setstat/fsetstat/rename/remove/realpath/mkdir/
// rmdir/opendir/readdir/readlink/symlink, and OpenSSH's posix-rename, which tsplay's transport uses).
import { constants } from 'node:fs';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { SftpWorker, WorkerError } from './sftp-worker.js';

const STATUS = { OK: 0, EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, OP_UNSUPPORTED: 8 } as const;
// OpenSSH sftp-server's status messages.
const MESSAGES: Record<number, string> = { 0: 'Success', 1: 'End of file', 2: 'No such file', 3: 'Permission denied', 4: 'Failure', 8: 'Operation unsupported' };
const F = { READ: 0x1, WRITE: 0x2, APPEND: 0x4, CREAT: 0x8, TRUNC: 0x10, EXCL: 0x20 } as const;
// The server VERSION packet (SFTP v3) advertising posix-rename@openssh.com (ssh2's server advertises none).
const VERSION_V3 = Buffer.from([0, 0, 0, 5, 2, 0, 0, 0, 3]);
const VERSION_WITH_RENAME = (() => {
  const name = Buffer.from('posix-rename@openssh.com');
  const body = Buffer.concat([Buffer.from([2, 0, 0, 0, 3]), u32(name.length), name, u32(1), Buffer.from('1')]);
  return Buffer.concat([u32(body.length), body]);
})();

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

// Node's open(2) flags for SFTP pflags.
function openFlags(p: number): number {
  const rw = p & F.READ && p & F.WRITE ? constants.O_RDWR : p & F.WRITE ? constants.O_WRONLY : constants.O_RDONLY;
  return rw | (p & F.APPEND ? constants.O_APPEND : 0) | (p & F.CREAT ? constants.O_CREAT : 0) | (p & F.TRUNC ? constants.O_TRUNC : 0) | (p & F.EXCL ? constants.O_EXCL : 0);
}

function code(e: unknown): number {
  const c = e instanceof WorkerError ? e.code : '';
  if (c === 'ENOENT' || c === 'ENOTDIR') return STATUS.NO_SUCH_FILE;
  if (c === 'EACCES' || c === 'EPERM' || c === 'EROFS') return STATUS.PERMISSION_DENIED;
  return STATUS.FAILURE;
}

// Make ssh2's SFTP server advertise posix-rename@openssh.com: its VERSION packet is swapped on the way out.
function advertiseRename(sftp: SFTPWrapper): void {
  const s = sftp as unknown as { _protocol: Record<string, unknown> };
  const proto = s._protocol as { channelData: (id: number, data: Buffer) => void };
  s._protocol = new Proxy(proto, {
    get(target, key) {
      if (key === 'channelData') return (id: number, data: Buffer) => target.channelData(id, Buffer.isBuffer(data) && data.equals(VERSION_V3) ? VERSION_WITH_RENAME : data);
      const v = (target as Record<string | symbol, unknown>)[key];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Record<string, unknown>;
}

// Serve SFTP requests for one session with a file worker rooted at `home` (relative paths resolve there).
export function serveSftp(sftp: SFTPWrapper, worker: SftpWorker, home: string): void {
  advertiseRename(sftp);
  const handles = new Map<number, { fd?: number; dir?: unknown[] | undefined }>();
  let next = 0;
  const abs = (p: string) => posix.resolve(home, p || '.');
  const newHandle = (h: { fd?: number; dir?: unknown[] }) => {
    const id = ++next;
    handles.set(id, h);
    return u32(id);
  };
  const get = (b: Buffer) => (b.length === 4 ? handles.get(b.readUInt32BE(0)) : undefined);
  const reply = (reqid: number, p: Promise<unknown>, onOk?: (v: unknown) => void) => {
    p.then(
      (v) => (onOk ? onOk(v) : sftp.status(reqid, STATUS.OK)),
      (e: unknown) => {
        const c = code(e);
        sftp.status(reqid, c, MESSAGES[c] ?? 'Failure');
      },
    );
  };
  const badHandle = (reqid: number) => sftp.status(reqid, STATUS.FAILURE, 'invalid handle');
  sftp.on('OPEN', (reqid, filename, flags, attrs) => reply(reqid, worker.call<number>('open', abs(filename), openFlags(flags), attrs?.mode ?? 0o666), (fd) => sftp.handle(reqid, newHandle({ fd: fd as number }))));
  sftp.on('READ', (reqid, handle, offset, len) => {
    const h = get(handle);
    if (h?.fd === undefined) return badHandle(reqid);
    reply(reqid, worker.call<Buffer>('read', h.fd, Math.min(len, 256 * 1024), offset), (data) => {
      const b = Buffer.from(data as Uint8Array);
      if (b.length === 0) sftp.status(reqid, STATUS.EOF);
      else sftp.data(reqid, b);
    });
  });
  sftp.on('WRITE', (reqid, handle, offset, data) => {
    const h = get(handle);
    if (h?.fd === undefined) return badHandle(reqid);
    reply(reqid, worker.call('write', h.fd, data, offset));
  });
  sftp.on('CLOSE', (reqid, handle) => {
    const h = get(handle);
    if (!h) return badHandle(reqid);
    handles.delete(handle.readUInt32BE(0));
    if (h.fd === undefined) return sftp.status(reqid, STATUS.OK);
    reply(reqid, worker.call('close', h.fd));
  });
  const attrsReply = (reqid: number) => (a: unknown) => sftp.attrs(reqid, a as Parameters<SFTPWrapper['attrs']>[1]);
  sftp.on('FSTAT', (reqid, handle) => {
    const h = get(handle);
    if (h?.fd === undefined) return badHandle(reqid);
    reply(reqid, worker.call('fstat', h.fd), attrsReply(reqid));
  });
  sftp.on('STAT', (reqid, path) => reply(reqid, worker.call('stat', abs(path)), attrsReply(reqid)));
  sftp.on('LSTAT', (reqid, path) => reply(reqid, worker.call('lstat', abs(path)), attrsReply(reqid)));
  sftp.on('SETSTAT', (reqid, path, attrs) => reply(reqid, worker.call('setstat', abs(path), attrs ?? {})));
  sftp.on('FSETSTAT', (reqid, handle, attrs) => {
    const h = get(handle);
    if (h?.fd === undefined) return badHandle(reqid);
    reply(reqid, worker.call('fsetstat', h.fd, attrs ?? {}));
  });
  sftp.on('OPENDIR', (reqid, path) => reply(reqid, worker.call<unknown[]>('readdir', abs(path)), (entries) => sftp.handle(reqid, newHandle({ dir: entries as unknown[] }))));
  sftp.on('READDIR', (reqid, handle) => {
    const h = get(handle);
    if (!h || h.fd !== undefined) return badHandle(reqid);
    if (!h.dir || h.dir.length === 0) return sftp.status(reqid, STATUS.EOF);
    const entries = h.dir;
    h.dir = [];
    sftp.name(reqid, entries as Parameters<SFTPWrapper['name']>[1]);
  });
  sftp.on('REMOVE', (reqid, path) => reply(reqid, worker.call('remove', abs(path))));
  sftp.on('RMDIR', (reqid, path) => reply(reqid, worker.call('rmdir', abs(path))));
  sftp.on('MKDIR', (reqid, path, attrs) => reply(reqid, worker.call('mkdir', abs(path), attrs?.mode)));
  sftp.on('RENAME', (reqid, from, to) => reply(reqid, worker.call('rename', abs(from), abs(to))));
  sftp.on('REALPATH', (reqid, path) => reply(reqid, worker.call<string>('realpath', abs(path)), (p) => sftp.name(reqid, [{ filename: p as string, longname: p as string, attrs: {} as Parameters<SFTPWrapper['attrs']>[1] }])));
  sftp.on('READLINK', (reqid, path) => reply(reqid, worker.call<string>('readlink', abs(path)), (p) => sftp.name(reqid, [{ filename: p as string, longname: p as string, attrs: {} as Parameters<SFTPWrapper['attrs']>[1] }])));
  sftp.on('SYMLINK', (reqid, target, link) => reply(reqid, worker.call('symlink', target, abs(link))));
  sftp.on('EXTENDED', (reqid, name, data) => {
    if (name !== 'posix-rename@openssh.com' || !data) return sftp.status(reqid, STATUS.OP_UNSUPPORTED);
    const l1 = data.readUInt32BE(0);
    const from = data.subarray(4, 4 + l1).toString('utf8');
    const l2 = data.readUInt32BE(4 + l1);
    const to = data.subarray(8 + l1, 8 + l1 + l2).toString('utf8');
    reply(reqid, worker.call('posixRename', abs(from), abs(to)));
  });
  sftp.on('close', () => worker.close());
  sftp.on('end', () => worker.close());
}
