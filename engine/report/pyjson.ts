// JSON the way Ansible's default callback prints results: Python json.dumps spacing
// (", " and ": "), sorted keys, internal `_ansible_*` keys removed.
import { jsonDumps } from '../py/json.js';

function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (!k.startsWith('_ansible') && !k.startsWith('_tsplay') && !k.startsWith('_delegated')) out[k] = clean((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

// Serialises a result like Ansible: one line (indent undefined) or indented by `indent`.
export function pyJson(v: unknown, indent?: number): string {
  return jsonDumps(clean(v), { indent: indent ?? null });
}
