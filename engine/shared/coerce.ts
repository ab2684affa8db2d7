// Converts argument values the way Ansible's argument spec does before validation:
// "yes"/"true"/"1" → true for booleans, numeric strings → numbers, "a,b" → lists.
const TRUE = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE = new Set(['no', 'off', '0', 'false', 'n', 'f', '']);

// Ansible's boolean(value, strict=False): true, 1, or one of its true words (any case).
export function isAnsibleTrue(v: unknown): boolean {
  return v === true || v === 1 || (typeof v === 'string' && TRUE.has(v.trim().toLowerCase()));
}

// Ansible's boolean(value, strict=True) for a keyword: undefined when the value is none of its words.
export function strictAnsibleBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) && s !== '' ? false : undefined;
}

interface Prop {
  type?: string | string[];
}

function types(p: Prop | undefined): string[] {
  if (!p?.type) return [];
  return Array.isArray(p.type) ? p.type : [p.type];
}

// Returns a copy of args with strings converted to the schema's boolean/integer/array types.
export function coerceArgs(schema: Record<string, unknown>, args: Record<string, unknown>): Record<string, unknown> {
  const props = (schema['properties'] ?? {}) as Record<string, Prop>;
  const out: Record<string, unknown> = { ...args };
  for (const [k, v] of Object.entries(args)) {
    const t = types(props[k]);
    if (t.length === 0 || t.includes('string')) continue;
    if (typeof v === 'string' && !v.includes('{{') && !v.includes('{%')) {
      const s = v.trim().toLowerCase();
      if (t.includes('boolean') && (TRUE.has(s) || FALSE.has(s))) out[k] = TRUE.has(s);
      else if ((t.includes('integer') || t.includes('number')) && s !== '' && !Number.isNaN(Number(s))) out[k] = Number(s);
      else if (t.includes('array')) out[k] = v.split(',').map((x) => x.trim()).filter(Boolean);
    } else if (typeof v === 'number' && t.includes('boolean') && (v === 0 || v === 1)) {
      out[k] = v === 1;
    } else if (t.includes('array') && v !== null && typeof v !== 'object') {
      out[k] = [v];
    }
  }
  return out;
}
