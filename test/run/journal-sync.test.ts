// When the run journal fsyncs: the records a resume depends on at once, results and plain
// checkpoints within SYNC_EVERY_MS, and whatever is left at close; every line is written at once.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSink, Journal, SYNC_EVERY_MS } from '../../engine/run/journal.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-jsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A file sink whose fsyncs are counted (and done).
function counted(name: string): { sink: FileSink; syncs: () => number; lines: () => { kind: string }[] } {
  let n = 0;
  const path = join(dir, name);
  const sink = new FileSink(path, () => void n++);
  const lines = () =>
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
  return { sink, syncs: () => n, lines };
}

const header = { run: 'r1', playbook: 'pb.yml', inventory: [], options: {}, check: false, host: 'h', pid: 1 };
const result = (task: string) => ({ type: 'result', play: 1, batch: 1, host: 'n1', task, status: 'ok' }) as never;

describe('the run journal fsyncs what a resume depends on before the run goes on', () => {
  it('header, batch, intent and a disruptive checkpoint each sync at once; results do not', async () => {
    const c = counted('a.jsonl');
    const j = new Journal(header, c.sink);
    expect(c.syncs()).toBe(1);
    j.listener({ type: 'batch', play: 1, batch: 1, hosts: ['n1'] } as never);
    expect(c.syncs()).toBe(2);
    j.listener(result('t1'));
    j.listener(result('t2'));
    j.checkpoint({ play: 1, batch: 1, host: 'n1', key: 'k1', task: 't2', status: 'ok' });
    expect(c.syncs()).toBe(2);
    // written at once all the same: a kill -9 loses none of them
    expect(c.lines().map((l) => l.kind)).toEqual(['header', 'batch', 'result', 'result', 'task']);
    await j.intent({ play: 1, batch: 1, host: 'n1', key: 'k2', task: 'reboot', kinds: ['reboot'] });
    expect(c.syncs()).toBe(3);
    j.checkpoint({ play: 1, batch: 1, host: 'n1', key: 'k2', task: 'reboot', status: 'changed', disruptive: ['reboot'] });
    expect(c.syncs()).toBe(4);
    j.checkpoint({ play: 1, batch: 1, host: 'n1', key: 'k3', task: 'cut', status: 'failed', interrupted: true });
    expect(c.syncs()).toBe(5);
    expect(j.close(0, 'finished')).toBe(true);
    expect(c.syncs()).toBe(7); // batch_end, end
    expect(c.lines().at(-1)?.kind).toBe('end');
  });

  it('a result left unsynced is synced by the timer within SYNC_EVERY_MS, or at close', async () => {
    const c = counted('b.jsonl');
    c.sink.append('{"kind":"header"}\n', true);
    c.sink.append('{"kind":"result"}\n', false);
    expect(c.syncs()).toBe(1);
    await sleep(SYNC_EVERY_MS + 150);
    expect(c.syncs()).toBe(2);
    c.sink.append('{"kind":"result"}\n', false);
    expect(c.syncs()).toBe(2);
    c.sink.close();
    expect(c.syncs()).toBe(3);
    expect(c.lines()).toHaveLength(3);
  });

  it('a record long after the last sync is synced at once', async () => {
    const c = counted('c.jsonl');
    c.sink.append('{"kind":"header"}\n', true);
    await sleep(SYNC_EVERY_MS + 50);
    c.sink.append('{"kind":"result"}\n', false);
    expect(c.syncs()).toBe(2);
    c.sink.close();
    expect(c.syncs()).toBe(2);
  });
});
