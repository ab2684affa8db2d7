// The run lock as a file on a host (for a quorum group without a cluster API). Every operation is
// one shell script run under flock(1) on a guard file beside the lock, so no two runs interleave:
// a new lock is written whole to a temporary file and hard-linked into place (link fails if a lock
// exists, so a half-written lock is never visible); renewal, takeover and release compare the
// lock's whole content with what this run last wrote (or read) before replacing or removing it.
import { raw, sh, type ShellCommand } from '../connection/command.js';
import type { ExecResult } from '../connection/types.js';
import { describeLock, judgeHolder, LockError, RunLock, type HeldLock, type LockOptions, type LockOwner, type LockRecord, type LockStep } from './lock.js';

// Run after `set -- MODE FILE NEW OLD` in the connection's own shell (no shell, dirname or subshell
// of its own: a lock operation starts as few processes as it can).
// exit 0 done; 3 held (content on stdout); 4 changed (content on stdout); 5 missing; 6 cannot write; 7 guard busy
const SCRIPT = `set -u
mode=$1 f=$2 new=$3 old=$4
case $f in */*) mkdir -p "\${f%/*}" 2>/dev/null ;; esac
exec 9>>"$f.guard" || exit 6
if command -v flock >/dev/null 2>&1; then flock -w 30 9 || exit 7; fi
tmp="$f.$$.tmp"
case $mode in
take)
  printf '%s\\n' "$new" > "$tmp" || { rm -f "$tmp"; exit 6; }
  if ln "$tmp" "$f" 2>/dev/null; then rm -f "$tmp"; exit 0; fi
  rm -f "$tmp"
  [ -e "$f" ] || exit 6
  cur=$(cat "$f"); printf '%s' "$cur"; exit 3 ;;
swap|remove)
  [ -e "$f" ] || exit 5
  cur=$(cat "$f")
  if [ "$cur" != "$old" ]; then printf '%s' "$cur"; exit 4; fi
  if [ "$mode" = remove ]; then rm -f "$f" || exit 6; exit 0; fi
  printf '%s\\n' "$new" > "$tmp" && mv -f "$tmp" "$f" || { rm -f "$tmp"; exit 6; }
  exit 0 ;;
esac
exit 2`;

type Exec = (cmd: ShellCommand) => Promise<ExecResult>;

function parse(text: string): LockRecord | undefined {
  try {
    const v = JSON.parse(text) as LockRecord;
    return v && typeof v === 'object' && typeof v.run === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

// Takes the lock file `file` through `exec` (a host's connection).
export async function fileLock(exec: Exec, file: string, hostName: string, me: LockOwner, o: LockOptions): Promise<HeldLock> {
  const where = `${file} on ${hostName}`;
  const ttlMs = o.ttlS * 1000;
  const record = (at: number) => JSON.stringify({ ...me, expires: new Date(at + ttlMs).toISOString() } satisfies LockRecord);
  const run = (mode: string, next: string, old: string) => exec(sh`set -- ${mode} ${file} ${next} ${old}; ${raw(SCRIPT)}`);
  const failure = (r: ExecResult) => (r.rc === 7 ? `another run held the guard ${file}.guard for 30s` : `exit ${r.rc}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
  let mine = '';
  for (let attempt = 0; attempt < 8; attempt++) {
    let at = Date.now();
    mine = record(at);
    const r = await run('take', mine, '');
    if (r.rc === 0) return held(where, run, failure, () => mine, (m) => (mine = m), record, at, o);
    if (r.rc !== 3) throw new LockError(`cannot take the run lock ${where}: ${failure(r)}`);
    const v = judgeHolder(parse(r.stdout), r.stdout, me, o, where);
    if (!v.take) throw new LockError(v.why);
    at = Date.now();
    mine = record(at);
    const s = await run('swap', mine, r.stdout);
    if (s.rc === 0) {
      if (v.takeover) o.note(`took over the ${v.takeover}`);
      return held(where, run, failure, () => mine, (m) => (mine = m), record, at, o);
    }
    if (s.rc !== 4 && s.rc !== 5) throw new LockError(`cannot take the run lock ${where}: ${failure(s)}`);
  }
  throw new LockError(`cannot take the run lock ${where}: it kept changing while this run tried (another run taking it at the same moment?)`);
}

function held(where: string, run: (mode: string, next: string, old: string) => Promise<ExecResult>, failure: (r: ExecResult) => string, mine: () => string, setMine: (m: string) => void, record: (at: number) => string, at: number, o: LockOptions): HeldLock {
  const lostTo = (r: ExecResult): string => {
    if (r.rc === 5) return `the run lock ${where} was removed while this run held it`;
    const h = parse(r.stdout);
    return h ? `the run lock ${where} was taken over by ${describeLock(h)}` : `the run lock ${where} was replaced by something unreadable (${r.stdout.slice(0, 100)})`;
  };
  return new RunLock(
    {
      where,
      renew: async (): Promise<LockStep> => {
        const t = Date.now();
        const next = record(t);
        const r = await run('swap', next, mine());
        if (r.rc === 0) {
          setMine(next);
          return { ok: true, at: t };
        }
        return r.rc === 4 || r.rc === 5 ? { lost: lostTo(r) } : { error: failure(r) };
      },
      release: async (): Promise<LockStep> => {
        const r = await run('remove', '', mine());
        if (r.rc === 0) return { ok: true, at: Date.now() };
        if (r.rc === 5) return { lost: 'it was already gone (removed by someone else)' };
        return r.rc === 4 ? { lost: lostTo(r).replace(/^the run lock \S+ on \S+ /, '') } : { error: failure(r) };
      },
    },
    at,
    o.ttlS * 1000,
    o.onLost,
  );
}
