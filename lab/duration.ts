// Durations for `tsplay lab advance` (`90s`, `10m`, `1h30m`), parsed on the CLI side and printed by the daemon.

// The longest `lab advance` accepts.
export const MAX_ADVANCE_MS = 366 * 86_400_000;

// `10m`, `1h30m`, `90s` → milliseconds (units ms, s, m, h, d; at least one), or undefined.
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(t)) return undefined;
  const mult: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  for (const m of t.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(m[1]) * (mult[m[2] ?? ''] ?? 0);
  return total > 0 ? total : undefined;
}

// 600000 → `10m`, 5400000 → `1h30m`.
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('') || '0s';
}
