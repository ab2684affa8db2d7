// The `serial` keyword as ansible-core reads it: integers, "N%" (floor of the percentage of ALL the
// play's hosts, minimum 1), lists whose last entry repeats, 0 / negative meaning "the rest".

export type SerialValue = number | string;

export class SerialError extends Error {}

// Converts one serial entry to a batch size for `total` hosts (0 = the rest).
export function serialEntrySize(v: SerialValue, total: number): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new SerialError(`serial must be an integer or a percentage, got ${v}`);
    return v;
  }
  const s = String(v).trim();
  const pct = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (pct) {
    const p = Number(pct[1]);
    if (p <= 0) return p === 0 ? 1 : 0;
    return Math.max(1, Math.floor((p / 100) * total));
  }
  if (/^-?\d+$/.test(s)) return Number(s);
  throw new SerialError(`serial value '${s}' is not an integer or a percentage`);
}

// Normalises the `serial` keyword into a list of entries (undefined = one batch).
export function serialEntries(serial: unknown): SerialValue[] | undefined {
  if (serial === undefined || serial === null) return undefined;
  if (Array.isArray(serial)) {
    if (serial.length === 0) return undefined;
    return serial.map((x) => {
      if (typeof x === 'number' || typeof x === 'string') return x;
      throw new SerialError(`serial list entries must be integers or percentages, got ${JSON.stringify(x)}`);
    });
  }
  if (typeof serial === 'number' || typeof serial === 'string') return [serial];
  throw new SerialError(`serial must be an integer, a percentage or a list, got ${JSON.stringify(serial)}`);
}
