// Journal.age (what `tsplay lab advance` does to each node's journal) and the duration syntax of
// `lab advance`, as pure units.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../lab/duration.js';
import { Journal, klog, logrus } from '../../lab/journal.js';

const T = Date.UTC(2026, 0, 1, 0, 5, 0, 250);
const entry = (ts: number, msg: string) => ({ ts, unit: 'x.service', ident: 'x', pid: 7, msg, bootId: 'b' });

describe('Journal.age', () => {
  it('moves entries and their logrus/klog stamps back, across a year boundary, and stays sorted', () => {
    const j = new Journal('k8s01');
    j.add(entry(T, logrus('error', 'database is locked', T)));
    j.add(entry(T + 1, klog('E', 7, 'controller.go:195', 'lease', T + 1)));
    j.add(entry(T + 2, 'plain message'));
    expect(j.age(10 * 60_000)).toBe(3);
    j.add(entry(T + 5, 'new'));
    const all = j.query({ units: [] });
    expect(all.map((e) => e.ts)).toEqual([T - 600_000, T - 600_000 + 1, T - 600_000 + 2, T + 5]);
    expect(all[0]?.msg).toBe('time="2025-12-31T23:55:00Z" level=error msg="database is locked"');
    expect(all[1]?.msg).toMatch(/^E1231 23:55:00\.251\d{3} {7}7 controller\.go:195\] lease$/);
    expect(all[2]?.msg).toBe('plain message');
    expect(j.query({ units: [], since: T - 60_000 }).map((e) => e.msg)).toEqual(['new']);
  });
});

describe('lab advance durations', () => {
  it('accepts a number with a unit (or several), nothing else', () => {
    expect(['90s', '10m', '1h', '1h30m', '2d', '500ms'].map(parseDuration)).toEqual([90_000, 600_000, 3_600_000, 5_400_000, 172_800_000, 500]);
    expect(['', '10', '10x', '-5m', '0s', '1.5h', '10 m', 'm'].map(parseDuration)).toEqual(Array(8).fill(undefined));
    expect([600_000, 5_400_000, 90_500].map(formatDuration)).toEqual(['10m', '1h30m', '1m30s500ms']);
  });
});
