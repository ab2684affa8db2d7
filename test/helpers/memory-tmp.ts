// vitest's global setup: the test workspaces (everything under os.tmpdir()) go to a fresh directory
// on a memory file system when the machine has one with room (/dev/shm, 2 GiB free), removed
// after the run. The journals and locks fsync every record; on a disk those waits took about a
// tenth of the suite's time, and no test is about surviving a power cut. TSPLAY_TEST_TMPDIR
// names another parent (or "default" to keep the system's temporary directory).
import { chmodSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

const MIN_FREE = 2 * 1024 ** 3;

function parent(): string | undefined {
  const asked = process.env['TSPLAY_TEST_TMPDIR'];
  if (asked) return asked === 'default' ? undefined : asked;
  try {
    const fs = statfsSync('/dev/shm');
    return fs.bavail * fs.bsize >= MIN_FREE ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

export default function setup(): (() => void) | undefined {
  const base = parent();
  if (!base) return undefined;
  let dir: string;
  try {
    dir = mkdtempSync(join(base, 'tsplay-tests-'));
    // open to every user as /tmp is: tests run commands as other users
    chmodSync(dir, 0o1777);
  } catch {
    return undefined;
  }
  process.env['TMPDIR'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
