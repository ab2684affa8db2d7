// The pods/log subresource (what `kubectl logs` reads): plain text from a log source, with
// sinceSeconds/sinceTime, tailLines, timestamps, limitBytes and container as the apiserver takes them.
import { badRequest, notFound } from './errors.js';
import { mustResource } from './resources.js';
import type { RestContext } from './rest.js';
import type { KubeObject } from './types.js';

// One line a container wrote, with its time (epoch ms).
export interface LogLine {
  ts: number;
  line: string;
}

// Where a pod's log comes from: every line the container wrote, oldest first (nothing: an empty log).
export type PodLogSource = (pod: KubeObject, container: string) => LogLine[] | undefined;

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || (name === 'sinceSeconds' && n < 1)) throw badRequest(`${name}: Invalid value: ${JSON.stringify(v)}: must be ${name === 'sinceSeconds' ? 'greater than 0' : 'a non-negative integer'}`);
  return n;
}

// The RFC 3339 time with nanoseconds the kubelet puts before each line for timestamps=true.
export function logStamp(ts: number): string {
  return new Date(ts).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

// Answer GET pods/NAME/log for `pod` (undefined: 404).
export function servePodLog(ctx: RestContext, pod: KubeObject | undefined, name: string, source: PodLogSource | undefined): void {
  if (!pod) throw notFound(mustResource('pods'), name);
  const { url, res } = ctx;
  const containers = ((pod.spec?.containers ?? []) as { name?: string }[]).map((c) => c.name ?? '');
  const container = url.searchParams.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
  if (container === undefined) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  if ((pod.status?.phase ?? 'Pending') === 'Pending') throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  const sinceSeconds = intParam(url, 'sinceSeconds');
  const tail = intParam(url, 'tailLines');
  const limit = intParam(url, 'limitBytes');
  const sinceTime = url.searchParams.get('sinceTime');
  let since = sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : undefined;
  if (sinceTime !== null) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw badRequest(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: must be an RFC3339 time`);
    since = t;
  }
  let lines = (source?.(pod, container) ?? []).filter((l) => since === undefined || l.ts >= since);
  if (tail !== undefined) lines = tail === 0 ? [] : lines.slice(-tail);
  const stamps = url.searchParams.get('timestamps') === 'true';
  let text = lines.map((l) => `${stamps ? `${logStamp(l.ts)} ` : ''}${l.line}\n`).join('');
  if (limit !== undefined) text = Buffer.from(text).subarray(0, limit).toString('utf8');
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}
