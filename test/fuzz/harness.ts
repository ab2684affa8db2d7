// The fuzz campaign's settings and bookkeeping, shared by the fuzz test files: a fixed seed and a
// fixed number of cases in `npm test`, a long campaign in `npm run fuzz` (FUZZ_SEED, default
// random and printed; FUZZ_RUNS cases per target, default 20000; FUZZ_TIME_MS per target,
// default 10 minutes). Every case is timed against the 10 s bound, and the memory it adds to the
// process's peak is recorded; each file checks the peak stays under 512 MB.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';

export const LONG = process.env['FUZZ_LONG'] === '1';
export const SEED = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : LONG ? Date.now() % 2 ** 31 : 20261206;
const LONG_RUNS = Number(process.env['FUZZ_RUNS'] ?? 20_000);
const LONG_TIME_MS = Number(process.env['FUZZ_TIME_MS'] ?? 600_000);
export const CASE_BOUND_MS = 10_000;
export const PEAK_BOUND_BYTES = 512 * 1024 * 1024;
/** vitest's timeout for one target */
export const TARGET_TIMEOUT_MS = LONG ? LONG_TIME_MS * 2 : 120_000;

interface Stats {
  cases: number;
  slowestMs: number;
  slowest?: string;
  /** the most one case raised the process's peak RSS */
  peakRaiseBytes: number;
  peakRaiser?: string;
}
const stats = new Map<string, Stats>();

const peakBytes = (): number => process.resourceUsage().maxRSS * 1024;
const show = (input: unknown): string => JSON.stringify(input instanceof Uint8Array ? `<${input.length} bytes>` : input).slice(0, 300);

// Runs one case of a target, timing it against the per-case bound.
export async function timed<T>(target: string, input: T, run: (x: T) => unknown): Promise<void> {
  const s = stats.get(target) ?? { cases: 0, slowestMs: 0, peakRaiseBytes: 0 };
  stats.set(target, s);
  const peak0 = peakBytes();
  const t0 = performance.now();
  await run(input);
  const ms = performance.now() - t0;
  const raise = peakBytes() - peak0;
  s.cases++;
  if (ms > s.slowestMs) [s.slowestMs, s.slowest] = [ms, show(input)];
  if (raise > s.peakRaiseBytes) [s.peakRaiseBytes, s.peakRaiser] = [raise, show(input)];
  if (ms > CASE_BOUND_MS) throw new Error(`${target}: one case took ${Math.round(ms)} ms (bound ${CASE_BOUND_MS} ms)`);
}

// fast-check parameters for a target with `runs` cases in `npm test`.
export function params(runs: number): fc.Parameters<unknown> {
  return LONG ? { seed: SEED, numRuns: LONG_RUNS, interruptAfterTimeLimit: LONG_TIME_MS, markInterruptAsFailure: false, endOnFailure: true } : { seed: SEED, numRuns: runs, endOnFailure: true };
}

// The report printed after a file's targets, and the peak-memory check.
export function reportAndCheckPeak(file: string): void {
  afterAll(() => {
    const lines = [...stats].map(([t, s]) => `  ${t.padEnd(16)} ${String(s.cases).padStart(6)} cases, slowest ${Math.round(s.slowestMs)} ms, most memory added by one case ${Math.round(s.peakRaiseBytes / 1024 / 1024)} MB; slowest: ${s.slowest ?? ''}`);
    console.log(`fuzz ${file} (seed ${SEED}): ${[...stats.values()].reduce((n, s) => n + s.cases, 0)} cases, peak RSS ${Math.round(peakBytes() / 1024 / 1024)} MB\n${lines.join('\n')}`);
  });
  it('stays under 512 MB at its peak', () => {
    expect(peakBytes()).toBeLessThan(PEAK_BOUND_BYTES);
  });
}
