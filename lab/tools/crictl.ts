// The simulated `crictl` (cri-tools 1.30 against containerd): endpoint resolution, pods, stopp, rmp,
// ps, inspectp, version; errors as logrus "level=fatal" lines with exit status 1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeSim, Sandbox } from '../node.js';
import { findSandbox, removeSandbox, stopSandbox } from '../sandboxes.js';
import { parseDuration } from '../duration.js';
import type { LabSim } from '../sim.js';
import type { ToolResult } from '../types.js';
import { has, humanDuration, last, logrusLine, ok, parseOpts, tabwrite, text, type OptSpec, type ToolFn } from './util.js';

const GLOBAL: OptSpec[] = [
  { key: 'r', short: 'r', long: ['runtime-endpoint'], arg: true }, { key: 'i', short: 'i', long: ['image-endpoint'], arg: true },
  { key: 't', short: 't', long: ['timeout'], arg: true }, { key: 'c', short: 'c', long: ['config'], arg: true }, { key: 'D', short: 'D', long: ['debug'] },
];
const LIST: OptSpec[] = [
  { key: 'id', long: ['id'], arg: true }, { key: 'name', long: ['name'], arg: true }, { key: 'namespace', long: ['namespace'], arg: true }, { key: 'state', short: 's', long: ['state'], arg: true },
  { key: 'label', long: ['label'], arg: true }, { key: 'v', short: 'v', long: ['verbose'] }, { key: 'q', short: 'q', long: ['quiet'] }, { key: 'o', short: 'o', long: ['output'], arg: true },
  { key: 'latest', short: 'l', long: ['latest'] }, { key: 'last', short: 'n', long: ['last'], arg: true }, { key: 'notrunc', long: ['no-trunc'] }, { key: 'a', short: 'a', long: ['all'] },
  { key: 'pod', short: 'p', long: ['pod'], arg: true }, { key: 'f', short: 'f', long: ['force'] },
  { key: 'since', long: ['since'], arg: true }, { key: 'tail', long: ['tail'], arg: true },
];
const DEFAULTS = ['unix:///run/containerd/containerd.sock', 'unix:///run/crio/crio.sock', 'unix:///var/run/cri-dockerd.sock'];

function fatal(msg: string, prefix = ''): ToolResult {
  return { stdout: '', stderr: prefix + logrusLine('fatal', msg), rc: 1 };
}

// The socket containerd listens on for this flavor.
export function criSocket(sim: LabSim): string {
  return sim.flavor === 'microk8s' ? '/var/snap/microk8s/common/run/containerd.sock' : '/run/containerd/containerd.sock';
}

function dialError(ep: string, why: string): string {
  return `validate service connection: validate CRI v1 runtime API for endpoint "${ep}": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix ${ep.replace(/^unix:\/\//, '')}: connect: ${why}"`;
}

// Whether crictl can talk to containerd through `ep`; the dial error otherwise.
function connect(sim: LabSim, node: NodeSim, ep: string, root: boolean): string | undefined {
  const path = ep.replace(/^unix:\/\//, '').replace(/^\/var\/run\//, '/run/');
  if (path !== criSocket(sim)) return dialError(ep, 'no such file or directory');
  if (!root) return dialError(ep, 'permission denied');
  if (sim.unit(node, 'runtime')?.active !== 'active') return dialError(ep, 'connection refused');
  return undefined;
}

function configEndpoint(node: NodeSim, file: string | undefined): string | undefined {
  const f = join(node.dir, (file ?? '/etc/crictl.yaml').replace(/^\//, ''));
  if (!existsSync(f)) return undefined;
  return /^runtime-endpoint:\s*(\S+)/m.exec(readFileSync(f, 'utf8'))?.[1];
}

function listed(node: NodeSim, p: ReturnType<typeof parseOpts>): Sandbox[] | string {
  const state = last(p, 'state')?.toLowerCase();
  if (state && state !== 'ready' && state !== 'notready') return '--state should be ready or notready';
  const labels = (p.opts.get('label') ?? []).map((l) => l.split('='));
  const re = (k: string) => (last(p, k) ? new RegExp(last(p, k) as string) : undefined);
  const name = re('name');
  const ns = re('namespace');
  const id = last(p, 'id');
  let out = node.sandboxes.filter(
    (s) => (!state || (state === 'ready') === s.ready) && (!id || s.id.startsWith(id)) && (!name || name.test(s.podName)) && (!ns || ns.test(s.namespace)) && labels.every(([k, v]) => s.labels[k ?? ''] === v),
  );
  out = [...out].sort((a, b) => b.created - a.created);
  const n = has(p, 'latest') ? 1 : Number(last(p, 'last') ?? 0);
  return n > 0 ? out.slice(0, n) : out;
}

function pods(node: NodeSim, p: ReturnType<typeof parseOpts>): ToolResult {
  const items = listed(node, p);
  if (typeof items === 'string') return fatal(items);
  if (has(p, 'q')) return ok(text(items.map((s) => s.id)));
  const format = last(p, 'o') ?? 'table';
  if (format === 'json') {
    const json = items.map((s) => ({ id: s.id, metadata: { name: s.podName, uid: s.podUid, namespace: s.namespace, attempt: s.attempt }, state: s.ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY', createdAt: `${s.created}000000`, labels: s.labels, annotations: {}, runtimeHandler: '' }));
    return ok(`${JSON.stringify({ items: json }, null, 2)}\n`);
  }
  if (format !== 'table') return fatal(`listing pod sandboxes: unsupported output format "${format}"`);
  const now = Date.now();
  const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME'], ...items.map((s) => [has(p, 'notrunc') ? s.id : s.id.slice(0, 13), `${humanDuration(now - s.created)} ago`, s.ready ? 'Ready' : 'NotReady', s.podName, s.namespace, String(s.attempt), '(default)'])];
  return ok(tabwrite(rows, 20, 3));
}

function containers(sim: LabSim, node: NodeSim, p: ReturnType<typeof parseOpts>): ToolResult {
  const all = has(p, 'a');
  const pod = last(p, 'pod');
  const now = Date.now();
  const name = last(p, 'name');
  const container = (s: Sandbox) => sim.store.peek('pods', s.podName, s.namespace)?.spec?.containers?.[0];
  const named = (s: Sandbox) => !name || new RegExp(name).test(String(container(s)?.name ?? 'main'));
  const items = node.sandboxes.filter((s) => (all || s.ready) && (!pod || s.id.startsWith(pod)) && named(s)).sort((a, b) => b.created - a.created);
  if (has(p, 'q')) return ok(text(items.map(cid)));
  const image = (s: Sandbox) => container(s)?.image ?? 'registry.k8s.io/pause:3.9';
  const rows = [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE'], ...items.map((s) => [cid(s).slice(0, 13), String(image(s)).replace(/:.*$/, '').split('/').pop() ?? '', `${humanDuration(now - s.created)} ago`, s.ready ? 'Running' : 'Exited', String(container(s)?.name ?? 'main'), '0', s.id.slice(0, 13), s.podName, s.namespace])];
  return ok(tabwrite(rows, 20, 3));
}

// A container's id: its sandbox's id reversed (one container per sandbox in the lab).
const cid = (s: Sandbox) => [...s.id].reverse().join('');

// `crictl logs [--since D] [--tail N] ID`: the etcd container's log from its member (on stderr, as
// etcd writes it); other containers log nothing.
function logs(sim: LabSim, node: NodeSim, p: ReturnType<typeof parseOpts>): ToolResult {
  const id = p.positionals[0] ?? '';
  if (!id) return fatal('ID cannot be empty');
  const s = node.sandboxes.find((x) => cid(x).startsWith(id));
  if (!s) return fatal(`rpc error: code = NotFound desc = an error occurred when try to find container "${id}": not found`);
  const sinceText = last(p, 'since');
  const sinceMs = sinceText === undefined ? undefined : parseDuration(sinceText);
  if (sinceText !== undefined && sinceMs === undefined) return fatal(`failed to parse since "${sinceText}"`);
  const isEtcd = s.namespace === 'kube-system' && s.podName === `etcd-${node.name}`;
  let lines = isEtcd ? node.etcdLog.filter((l) => sinceMs === undefined || l.ts >= Date.now() - sinceMs).map((l) => l.line) : [];
  const tail = Number(last(p, 'tail') ?? -1);
  if (tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
  return { stdout: '', stderr: text(lines), rc: 0 };
}

function aggregate(errors: string[]): string {
  return errors.length === 1 ? (errors[0] as string) : `[${errors.join(', ')}]`;
}

// The crictl entry point.
export const crictl: ToolFn = (sim, node, call) => {
  const g = parseOpts(call.args, GLOBAL, true);
  if (g.error) return fatal(`flag provided but not defined: ${g.error}`);
  const timeout = last(g, 't');
  if (timeout !== undefined && !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(timeout)) return { stdout: '', stderr: `Incorrect Usage: invalid value "${timeout}" for flag -timeout: parse error\n`, rc: 1 };
  const [sub = '', ...rest] = g.positionals;
  if (sub === '' || sub === 'help' || sub === '--help') return ok('NAME:\n   crictl - client for CRI\n');
  if (sub === '--version' || sub === '-v') return ok('crictl version v1.30.0\n');
  const p = parseOpts(rest, LIST);
  if (p.error) return fatal(`flag provided but not defined: ${p.error}`);
  const explicit = last(g, 'r') ?? call.env?.['CONTAINER_RUNTIME_ENDPOINT'] ?? configEndpoint(node, last(g, 'c'));
  let warn = '';
  let dialErr: string | undefined;
  if (explicit) dialErr = connect(sim, node, explicit, call.root);
  else {
    warn = logrusLine('warning', `runtime connect using default endpoints: [${DEFAULTS.join(' ')}]. As the default settings are now deprecated, you should set the endpoint instead.`);
    const errs = DEFAULTS.map((ep) => connect(sim, node, ep, call.root));
    const okIdx = errs.findIndex((e) => e === undefined);
    if (okIdx < 0) {
      warn += errs.slice(0, -1).map((e) => logrusLine('error', e ?? '')).join('');
      dialErr = errs[errs.length - 1];
    } else warn += errs.slice(0, okIdx).map((e) => logrusLine('error', e ?? '')).join('');
  }
  if (dialErr) return fatal(dialErr, warn);
  const withWarn = (r: ToolResult): ToolResult => ({ ...r, stderr: warn + r.stderr });
  switch (sub) {
    case 'pods':
      return withWarn(pods(node, p));
    case 'ps':
      return withWarn(containers(sim, node, p));
    case 'logs':
      return withWarn(logs(sim, node, p));
    case 'stopp': {
      if (p.positionals.length === 0) return withWarn(ok('NAME:\n   crictl stopp - Stop one or more running pods\n'));
      let out = '';
      for (const id of p.positionals) {
        const s = findSandbox(node, id);
        if (!s || s === 'ambiguous') return { stdout: out, stderr: warn + logrusLine('fatal', `stopping the pod sandbox "${id}": rpc error: code = NotFound desc = an error occurred when try to find sandbox "${id}": not found`), rc: 1 };
        stopSandbox(sim, node, s);
        out += `Stopped sandbox ${id}\n`;
      }
      return withWarn(ok(out));
    }
    case 'rmp': {
      const ids = has(p, 'a') ? node.sandboxes.map((s) => s.id) : p.positionals;
      if (ids.length === 0) return withWarn(has(p, 'a') ? ok('', logrusLine('info', 'No pods to remove')) : ok('NAME:\n   crictl rmp - Remove one or more pods\n'));
      let out = '';
      const errors: string[] = [];
      for (const id of ids) {
        const s = findSandbox(node, id);
        if (!s || s === 'ambiguous') {
          errors.push(`getting sandbox status of pod "${id}": rpc error: code = NotFound desc = an error occurred when try to find sandbox: not found`);
          continue;
        }
        if (s.ready && !has(p, 'f')) {
          errors.push(`pod sandbox "${id}" is running, please stop it first`);
          continue;
        }
        if (s.ready) {
          stopSandbox(sim, node, s);
          out += `Stopped sandbox ${id}\n`;
        }
        removeSandbox(node, s);
        out += `Removed sandbox ${id}\n`;
      }
      return errors.length ? { stdout: out, stderr: warn + logrusLine('fatal', aggregate(errors)), rc: 1 } : withWarn(ok(out));
    }
    case 'inspectp': {
      const s = findSandbox(node, p.positionals[0] ?? '');
      if (!s || s === 'ambiguous') return fatal(`get the status of pod sandboxes: get pod sandbox status: rpc error: code = NotFound desc = an error occurred when try to find sandbox: not found`, warn);
      const pod = sim.store.peek('pods', s.podName, s.namespace);
      const status = { id: s.id, metadata: { attempt: s.attempt, name: s.podName, namespace: s.namespace, uid: s.podUid }, state: s.ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY', createdAt: new Date(s.created).toISOString(), network: { additionalIps: [], ip: s.ready ? (pod?.status?.podIP ?? '') : '' }, labels: s.labels };
      return withWarn(ok(`${JSON.stringify({ status }, null, 2)}\n`));
    }
    case 'version':
      return withWarn(ok(`Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  ${sim.flavor === 'microk8s' ? 'v1.6.28' : '1.7.12'}\nRuntimeApiVersion:  v1\n`));
    case 'info':
      return withWarn(ok(`${JSON.stringify({ status: { conditions: [{ type: 'RuntimeReady', status: true }, { type: 'NetworkReady', status: true }] } }, null, 2)}\n`));
    default:
      return { stdout: '', stderr: `No help topic for '${sub}'\n`, rc: 3 };
  }
};
