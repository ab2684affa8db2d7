// Quorum groups: inventory groups whose members must not be disrupted more than
// `max_unavailable` at a time (datastore voters, control planes). Declared with the group
// var `tsplay_quorum: {datastore, max_unavailable}`; groups named k8s*, kube*, microk8s*,
// etcd* or *control_plane* are quorum groups with max_unavailable 1 unless declared
// (`tsplay_quorum: false` opts out).
import { diag, type Diagnostic } from '../diagnostics.js';
import { groupVars, hostsOf, type Inventory } from '../inventory/index.js';

export interface QuorumGroup {
  name: string;
  datastore?: string;
  maxUnavailable: number;
  members: string[];
  /** 'declared' from tsplay_quorum, or 'default' from the group's name */
  source: 'declared' | 'default';
}

const DEFAULT_NAMES = [/^k8s/i, /^kube/i, /^microk8s/i, /^etcd/i, /control_plane/i];
const TRUE = ['true', 'yes', 'on', '1', 'y', 't'];
const FALSE = ['false', 'no', 'off', '0', 'n', 'f'];
const KEYS = ['datastore', 'max_unavailable'];

/** a group's tsplay_quorum as written: off, on (defaults), a declaration, or an error */
export type QuorumDecl = { kind: 'off' } | { kind: 'on' } | { kind: 'decl'; maxUnavailable?: number; datastore?: string } | { kind: 'error'; message: string };

// Reads tsplay_quorum the way Ansible reads booleans (true, "yes", "on", 1 ...) or as the mapping
// form {datastore, max_unavailable}; anything else (unknown keys, a negative or absurd limit) is an error.
export function parseQuorumDecl(v: unknown): QuorumDecl {
  if (v === true || v === 1) return { kind: 'on' };
  if (v === false || v === 0) return { kind: 'off' };
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.includes(s)) return { kind: 'on' };
    if (FALSE.includes(s)) return { kind: 'off' };
    return { kind: 'error', message: `tsplay_quorum must be a boolean or {datastore, max_unavailable}, got ${JSON.stringify(v)}` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { kind: 'error', message: `tsplay_quorum must be a boolean or {datastore, max_unavailable}, got ${JSON.stringify(v)}` };
  const d = v as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) return { kind: 'error', message: `tsplay_quorum: unknown key${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (known: ${KEYS.join(', ')})` };
  const out: QuorumDecl = { kind: 'decl' };
  if (d['max_unavailable'] !== undefined) {
    const raw = d['max_unavailable'];
    const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100) return { kind: 'error', message: `tsplay_quorum.max_unavailable must be an integer from 0 to 100, got ${JSON.stringify(raw)}` };
    out.maxUnavailable = n;
  }
  if (d['datastore'] !== undefined) {
    if (d['datastore'] !== 'dqlite' && d['datastore'] !== 'etcd') return { kind: 'error', message: `tsplay_quorum.datastore must be dqlite or etcd, got ${JSON.stringify(d['datastore'])}` };
    out.datastore = d['datastore'];
  }
  return out;
}

function isLimit(v: unknown): boolean {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 100;
}

// Every quorum group of the inventory with its members, and the errors in their declarations.
export function quorumGroups(inv: Inventory, playbookDir?: string, diagnostics: Diagnostic[] = []): QuorumGroup[] {
  const out: QuorumGroup[] = [];
  for (const name of inv.groups.keys()) {
    if (name === 'all' || name === 'ungrouped') continue;
    const gv = groupVars(inv, name, playbookDir ? { playbookDir } : {});
    const raw = gv['tsplay_quorum'];
    const nodes = gv['tsplay_max_unavailable_nodes'];
    if (nodes !== undefined && !(typeof nodes === 'string' && nodes.includes('{{')) && !isLimit(nodes)) {
      diagnostics.push(diag('inventory', `group '${name}': tsplay_max_unavailable_nodes must be an integer from 0 to 100, got ${JSON.stringify(nodes)}`, inv.groups.get(name)?.pos));
    }
    const decl: QuorumDecl = raw === undefined ? { kind: DEFAULT_NAMES.some((re) => re.test(name)) ? 'on' : 'off' } : parseQuorumDecl(raw);
    if (decl.kind === 'error') {
      diagnostics.push(diag('inventory', `group '${name}': ${decl.message}`, inv.groups.get(name)?.pos, 'write tsplay_quorum: true, or {datastore: dqlite|etcd, max_unavailable: 1}'));
      continue;
    }
    if (decl.kind === 'off') continue;
    const members = hostsOf(inv, name);
    const g: QuorumGroup = decl.kind === 'decl'
      ? { name, maxUnavailable: decl.maxUnavailable ?? 1, members, source: 'declared', ...(decl.datastore ? { datastore: decl.datastore } : {}) }
      : { name, maxUnavailable: 1, members, source: raw === undefined ? 'default' : 'declared' };
    if (g.members.length > 0) out.push(g);
  }
  return out;
}

export interface QuorumViolation {
  group: QuorumGroup;
  batch: number;
  members: string[];
}

// The first batch (per group) that would hold more members of a quorum group than allowed.
export function checkBatches(groups: QuorumGroup[], batches: string[][]): QuorumViolation[] {
  const out: QuorumViolation[] = [];
  for (const g of groups) {
    for (let i = 0; i < batches.length; i++) {
      const members = (batches[i] as string[]).filter((h) => g.members.includes(h));
      if (members.length > g.maxUnavailable) {
        out.push({ group: g, batch: i + 1, members });
        break;
      }
    }
  }
  return out;
}

// The quorum groups a host belongs to.
export function groupsOfHost(groups: QuorumGroup[], host: string): QuorumGroup[] {
  return groups.filter((g) => g.members.includes(host));
}
