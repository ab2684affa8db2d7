// Python floats with an integral value (2.0, -0.0, 1e16): JS numbers cannot tell them from ints,
// so the expression language boxes them in PyFloat. Non-integral numbers (2.5, nan, inf) stay
// plain JS numbers, which are floats already. A PyFloat converts to its number (valueOf, toJSON).

/** a Python float whose value is integral; `+x`, JSON.stringify and template output see the number */
export class PyFloat {
  constructor(readonly value: number) {}
  // The number, for arithmetic and comparisons in JS code.
  valueOf(): number {
    return this.value;
  }
  // The number, for JSON.stringify.
  toJSON(): number {
    return this.value;
  }
  // Python's str(): "2.0", "-0.0", "1e+16".
  toString(): string {
    return floatRepr(this.value);
  }
}

// A Python float of value n: a PyFloat when n is integral, else n itself.
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

// True for Python floats: PyFloat values and non-integral numbers (nan and inf included).
export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

// True for Python ints (integral JS numbers); bools are not included.
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

// Python's repr() of a float: shortest round-trip digits, exponent outside [-4, 16), ".0" kept.
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    out = `${m}e${exp < 0 ? '-' : '+'}${e}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = `${intPart}.${frac || '0'}`;
  }
  return neg ? `-${out}` : out;
}
