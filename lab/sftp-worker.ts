// The SFTP file operations run in a child process with the node shell's user and no_new_privs, so
// an upload can only touch what that user may; this is its source (run with `node -e`) and client.
import type { ChildProcess } from 'node:child_process';
import { spawnForNode, killGroup, type ShellUser } from './shell.js';

const SOURCE = `'use strict';
const fs = require('fs');
const path = require('path');
const st = (s) => ({ mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) });
const setattrs = (p, fd, a) => {
  if (a.size !== undefined) fd === undefined ? fs.truncateSync(p, a.size) : fs.ftruncateSync(fd, a.size);
  if (a.mode !== undefined) fd === undefined ? fs.chmodSync(p, a.mode & 0o7777) : fs.fchmodSync(fd, a.mode & 0o7777);
  if (a.uid !== undefined && a.gid !== undefined) { try { fd === undefined ? fs.chownSync(p, a.uid, a.gid) : fs.fchownSync(fd, a.uid, a.gid); } catch (e) { if (e.code !== 'EPERM') throw e; } }
  if (a.atime !== undefined && a.mtime !== undefined) fd === undefined ? fs.utimesSync(p, a.atime, a.mtime) : fs.futimesSync(fd, a.atime, a.mtime);
};
const perm = (m) => ['r', 'w', 'x'].map((c, i) => (m & (0o400 >> i) ? c : '-')).join('');
const longname = (name, s) => (s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : '-') + perm(s.mode) + perm(s.mode << 3) + perm(s.mode << 6) + ' 1 ' + s.uid + ' ' + s.gid + ' ' + String(s.size).padStart(8) + ' ' + new Date(s.mtimeMs).toISOString().slice(0, 10) + ' ' + name;
const ops = {
  open: (p, flags, mode) => fs.openSync(p, flags, mode),
  read: (fd, len, pos) => { const b = Buffer.alloc(len); const n = fs.readSync(fd, b, 0, len, pos); return b.subarray(0, n); },
  write: (fd, data, pos) => { let off = 0; while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off, pos + off); return off; },
  close: (fd) => fs.closeSync(fd),
  fstat: (fd) => st(fs.fstatSync(fd)),
  stat: (p) => st(fs.statSync(p)),
  lstat: (p) => st(fs.lstatSync(p)),
  setstat: (p, a) => setattrs(p, undefined, a),
  fsetstat: (fd, a) => setattrs(undefined, fd, a),
  readdir: (p) => fs.readdirSync(p).map((name) => { const s = fs.lstatSync(path.join(p, name)); return { filename: name, longname: longname(name, s), attrs: st(s) }; }),
  mkdir: (p, mode) => fs.mkdirSync(p, { mode: mode === undefined ? 0o777 : mode }),
  rmdir: (p) => fs.rmdirSync(p),
  remove: (p) => fs.unlinkSync(p),
  rename: (a, b) => { if (fs.existsSync(b)) { const e = new Error('file exists'); e.code = 'EEXIST'; throw e; } fs.renameSync(a, b); },
  posixRename: (a, b) => fs.renameSync(a, b),
  realpath: (p) => { try { return fs.realpathSync(p); } catch (e) { if (e.code === 'ENOENT') return path.resolve(p); throw e; } },
  readlink: (p) => fs.readlinkSync(p),
  symlink: (target, link) => fs.symlinkSync(target, link),
};
process.on('message', (m) => {
  try {
    const result = ops[m.op](...m.args);
    process.send({ id: m.id, ok: true, result });
  } catch (e) {
    process.send({ id: m.id, ok: false, code: e.code || '', message: e.message });
  }
});
process.on('disconnect', () => process.exit(0));
`;

// A failed file operation (errno code and message).
export class WorkerError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

// The parent side: one worker process per SFTP session.
export class SftpWorker {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private dead = false;

  constructor(cwd: string, env: Record<string, string>, user: ShellUser | undefined) {
    this.child = spawnForNode({ argv: [process.execPath, '-e', SOURCE], cwd, env, user, ipc: true });
    this.child.on('message', (m: { id: number; ok: boolean; result?: unknown; code?: string; message?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.ok) p.resolve(m.result);
      else p.reject(new WorkerError(m.code ?? '', m.message ?? 'failure'));
    });
    this.child.stderr?.resume();
    this.child.on('error', () => this.fail());
    this.child.on('exit', () => this.fail());
  }

  // Run one operation in the worker.
  call<T>(op: string, ...args: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(new WorkerError('EIO', 'the SFTP worker is gone'));
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, args });
    });
  }

  // End the worker (and anything it left running).
  close(): void {
    if (this.dead) return;
    this.dead = true;
    killGroup(this.child.pid);
    this.fail();
  }

  private fail(): void {
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new WorkerError('EIO', 'the SFTP worker is gone'));
    this.pending.clear();
  }
}
