// Whether a CronJob schedule is one the API takes (robfig/cron's five standard fields, or a macro),
// checked before anything is written.
const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const CRON_RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const NAMES = [['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']];

// Why a cron schedule is not valid (robfig/cron's standard five fields, or a macro), or undefined.
export function cronProblem(schedule: string): string | undefined {
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s)) return 'CRON_TZ or TZ used in schedule; use the timeZone field instead';
  if (CRON_MACROS.has(s)) return undefined;
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: ${s}`;
  for (let i = 0; i < 5; i++) {
    const [lo, hi] = CRON_RANGES[i] as [number, number];
    const names = i === 3 ? NAMES[0] : i === 4 ? NAMES[1] : undefined;
    const num = (v: string): number => {
      const n = names ? names.indexOf(v.toLowerCase()) : -1;
      return n >= 0 ? n + (i === 3 ? 1 : 0) : /^\d+$/.test(v) ? Number(v) : NaN;
    };
    for (const part of (fields[i] as string).split(',')) {
      const [range, step] = part.split('/');
      if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `failed to parse int from ${step}`;
      if (range === '*' || range === '?') continue;
      const [a, b] = (range ?? '').split('-');
      for (const v of b === undefined ? [a] : [a, b]) {
        const n = num(v ?? '');
        if (!Number.isInteger(n)) return `failed to parse int from ${v}`;
        if (n < lo || n > hi) return `end of range (${n}) above maximum (${hi}) or below minimum (${lo})`;
      }
    }
  }
  return undefined;
}
