// Which cluster the kubectl module talks to, from the controller: `kubeconfig` argument, else the
// host variable tsplay_kubeconfig, else $KUBECONFIG, else ~/.kube/config; `context` argument,
// else tsplay_kube_context, else the kubeconfig's current-context.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { KubeApiError, KubeClient, KubeconfigError, KubeTransportError, loadKubeconfig, type KubeconfigSource } from '../../engine/kube/index.js';
import type { ModuleEnv } from '../../engine/module.js';

// The kubeconfig and context a task asked for (either may be missing).
export interface KubeSettings {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

// Where the kubeconfig comes from: a path (`~` expanded) or, when the value is YAML text, the text itself.
export function resolveKubeconfig(s: KubeSettings, hostVar: (name: string) => unknown): KubeconfigSource {
  const cfg = text(s.kubeconfig) ?? text(hostVar('tsplay_kubeconfig'));
  const context = text(s.context) ?? text(hostVar('tsplay_kube_context'));
  const src: KubeconfigSource = context ? { context } : {};
  if (cfg === undefined) return src;
  if (cfg.includes('\n')) return { ...src, text: cfg };
  return { ...src, path: cfg.startsWith('~/') ? resolve(homedir(), cfg.slice(2)) : resolve(cfg) };
}

// A readable message for the errors talking to the cluster can raise; other errors are rethrown.
export function kubeErrorText(e: unknown): string {
  if (e instanceof KubeApiError) return `${e.message}${e.reason ? ` (${e.reason}, HTTP ${e.status})` : ` (HTTP ${e.status})`}`;
  if (e instanceof KubeTransportError || e instanceof KubeconfigError) return e.message;
  throw e;
}

// Clients by kubeconfig (its path and version, or its text) and context: the tasks of a run share
// one connection per cluster instead of a TLS handshake and a kubeconfig parse for each request.
// Idle keep-alive sockets do not hold the process open; the oldest client closes past CLIENTS.
const clients = new Map<string, KubeClient>();
const CLIENTS = 8;

function clientKey(src: KubeconfigSource): string {
  const path = src.path ?? (src.text === undefined ? (process.env['KUBECONFIG'] ?? resolve(homedir(), '.kube', 'config')) : undefined);
  let version = '';
  try {
    if (path !== undefined) version = ((st) => `${st.mtimeMs}:${st.size}:${st.ino}`)(statSync(path.split(':')[0] ?? path));
  } catch {
    version = 'missing';
  }
  return JSON.stringify([src.path ?? null, src.text ?? null, src.context ?? null, path ?? null, version]);
}

// Runs `fn` with the client for the task's cluster.
export async function withKube<T>(env: Pick<ModuleEnv, 'hostVar'>, s: KubeSettings, fn: (client: KubeClient) => Promise<T>): Promise<T> {
  const src = resolveKubeconfig(s, (n) => env.hostVar(n));
  const key = clientKey(src);
  let client = clients.get(key);
  if (client) clients.delete(key);
  else client = new KubeClient(loadKubeconfig(src));
  clients.set(key, client);
  for (const [k, c] of clients) {
    if (clients.size <= CLIENTS) break;
    clients.delete(k);
    c.close();
  }
  return fn(client);
}
