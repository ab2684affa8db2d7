// Durations as playbooks write them (90, "90s", "5m", "2h30m"), shared by the validator, the
// guards and the modules.

// Parses 90, "90s", "5m", "1h", "2h30m" into seconds.
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n * 86400;
    matched += m[0];
  }
  return matched.replace(/\s/g, '') === s.replace(/\s/g, '') && matched ? total : undefined;
}
