// Validation of the kinds the in-cluster install writes, enough that a malformed object is refused
// with 422 Invalid naming the field, as the apiserver does: ConfigMap and Secret keys and sizes,
// RBAC rules and bindings (roleRef immutable), Jobs and CronJobs (schedule, pod template).
import { invalid } from './errors.js';
import type { ResourceDef } from './resources.js';
import type { KubeObject } from './types.js';

type Obj = Record<string, any>;

const KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_DATA = 1024 * 1024;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
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

function check(def: ResourceDef, o: KubeObject): (field: string, problem: string) => never {
  return (field, problem) => {
    throw invalid(def, o.metadata.name ?? '', field, problem);
  };
}

function dataKeys(fail: (f: string, p: string) => never, maps: [string, unknown][]): void {
  let size = 0;
  for (const [field, m] of maps) {
    if (m === undefined || m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) fail(field, 'Invalid value: must be a map of strings');
    for (const [k, v] of Object.entries(m as Obj)) {
      if (!KEY.test(k)) fail(`${field}[${k}]`, `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`);
      if (typeof v !== 'string') fail(`${field}[${k}]`, 'Invalid value: must be a string');
      size += k.length + (v as string).length;
    }
  }
  if (size > MAX_DATA) fail(maps[0]?.[0] ?? 'data', `Too long: must have at most ${MAX_DATA} bytes`);
}

function rules(fail: (f: string, p: string) => never, list: unknown, field: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) fail(field, 'Invalid value: must be a list');
  (list as Obj[]).forEach((r, i) => {
    const f = `${field}[${i}]`;
    if (!Array.isArray(r?.['verbs']) || r['verbs'].length === 0) fail(`${f}.verbs`, 'Required value: verbs must contain at least one value');
    if (r['nonResourceURLs']) {
      if (r['resources'] || r['apiGroups']) fail(f, 'Invalid value: rules cannot apply to both regular resources and non-resource URLs');
      return;
    }
    if (!Array.isArray(r['apiGroups'])) fail(`${f}.apiGroups`, 'Required value: resource rules must supply at least one api group');
    if (!Array.isArray(r['resources']) || r['resources'].length === 0) fail(`${f}.resources`, 'Required value: resource rules must supply at least one resource');
  });
}

function binding(fail: (f: string, p: string) => never, o: KubeObject, cluster: boolean): void {
  const ref = o['roleRef'] as Obj | undefined;
  if (!ref) fail('roleRef', 'Required value');
  if (ref['apiGroup'] !== 'rbac.authorization.k8s.io') fail('roleRef.apiGroup', `Unsupported value: "${String(ref['apiGroup'])}": supported values: "rbac.authorization.k8s.io"`);
  if (ref['kind'] !== 'ClusterRole' && (cluster || ref['kind'] !== 'Role')) fail('roleRef.kind', `Unsupported value: "${String(ref['kind'])}": supported values: ${cluster ? '"ClusterRole"' : '"Role", "ClusterRole"'}`);
  if (!ref['name']) fail('roleRef.name', 'Required value');
  ((o['subjects'] ?? []) as Obj[]).forEach((s, i) => {
    if (!['ServiceAccount', 'User', 'Group'].includes(s['kind'])) fail(`subjects[${i}].kind`, `Unsupported value: "${String(s['kind'])}": supported values: "ServiceAccount", "User", "Group"`);
    if (!s['name']) fail(`subjects[${i}].name`, 'Required value');
    if (s['kind'] === 'ServiceAccount' && cluster && !s['namespace']) fail(`subjects[${i}].namespace`, 'Required value');
  });
}

function podTemplate(fail: (f: string, p: string) => never, t: Obj | undefined, field: string, restart: string[]): void {
  const spec = t?.['spec'] as Obj | undefined;
  if (!spec) fail(`${field}.spec`, 'Required value');
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) fail(`${field}.spec.containers`, 'Required value');
  (containers as Obj[]).forEach((c, i) => {
    if (typeof c['name'] !== 'string' || !DNS_LABEL.test(c['name'])) fail(`${field}.spec.containers[${i}].name`, `Invalid value: "${String(c['name'])}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`);
    if (!c['image']) fail(`${field}.spec.containers[${i}].image`, 'Required value');
  });
  if (!restart.includes(spec['restartPolicy'])) fail(`${field}.spec.restartPolicy`, `Unsupported value: "${String(spec['restartPolicy'] ?? '')}": supported values: ${restart.map((r) => `"${r}"`).join(', ')}`);
}

// Throws 422 Invalid when the object is malformed; `old` is the stored one on an update.
export function validateObject(def: ResourceDef, o: KubeObject, old?: KubeObject): void {
  const fail = check(def, o);
  switch (def.name) {
    case 'configmaps':
      return dataKeys(fail, [['data', o['data']], ['binaryData', o['binaryData']]]);
    case 'secrets': {
      for (const [k, v] of Object.entries((o['data'] ?? {}) as Obj)) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) fail(`data[${k}]`, 'Invalid value: must be base64 encoded');
      }
      return dataKeys(fail, [['data', o['data']], ['stringData', o['stringData']]]);
    }
    case 'roles':
    case 'clusterroles':
      return rules(fail, o['rules'], 'rules');
    case 'rolebindings':
    case 'clusterrolebindings':
      binding(fail, o, def.name === 'clusterrolebindings');
      if (old && JSON.stringify(old['roleRef']) !== JSON.stringify(o['roleRef'])) fail('roleRef', 'Invalid value: cannot change roleRef');
      return;
    case 'jobs':
      return podTemplate(fail, o.spec?.template, 'spec.template', ['Never', 'OnFailure']);
    case 'cronjobs': {
      const schedule = o.spec?.schedule;
      if (typeof schedule !== 'string' || !schedule) fail('spec.schedule', 'Required value');
      const why = cronProblem(schedule);
      if (why) fail('spec.schedule', `Invalid value: "${schedule}": ${why}`);
      if (o.spec?.concurrencyPolicy !== undefined && !['Allow', 'Forbid', 'Replace'].includes(o.spec.concurrencyPolicy)) fail('spec.concurrencyPolicy', `Unsupported value: "${String(o.spec.concurrencyPolicy)}": supported values: "Allow", "Forbid", "Replace"`);
      return podTemplate(fail, o.spec?.jobTemplate?.spec?.template, 'spec.jobTemplate.spec.template', ['Never', 'OnFailure']);
    }
    default:
      return;
  }
}
