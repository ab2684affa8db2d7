// Loading a kubeconfig into a KubeTarget: server, TLS material, credentials and namespace of one context.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KubeconfigError } from './errors.js';
import { parseExecConfig, type ExecConfig } from './exec-credential.js';
import { inCluster, inClusterTarget, isServiceAccountDir } from './in-cluster.js';

// Everything the client needs to reach and authenticate to one cluster.
export interface KubeTarget {
  server: string;
  context: string;
  cluster: string;
  user: string;
  namespace: string;
  // Where the kubeconfig came from (a path, or `<text>`), for messages.
  source: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  /** the token's file, read again every minute (kubeconfig tokenFile, the service account's token) */
  tokenFile?: string;
  /** a kubeconfig exec credential plugin, run when a credential is needed */
  exec?: ExecConfig;
  username?: string;
  password?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
}

// Where to read a kubeconfig from: explicit text, a path, or $KUBECONFIG / ~/.kube/config.
export interface KubeconfigSource {
  path?: string | undefined;
  context?: string | undefined;
  text?: string | undefined;
}

type Named = { name?: unknown; [k: string]: unknown };

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// The kubeconfig path kubectl would use: first $KUBECONFIG entry, else ~/.kube/config.
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env['KUBECONFIG'] ?? '').split(delimiter).find((p) => p.trim() !== '');
  return first ?? resolve(homedir(), '.kube', 'config');
}

function findNamed(list: unknown, name: string, what: string, source: string): Record<string, unknown> {
  const items = Array.isArray(list) ? (list as Named[]) : [];
  const hit = items.find((i) => i?.name === name);
  if (!hit) {
    const known = items.map((i) => String(i?.name)).join(', ') || 'none';
    throw new KubeconfigError(`${what} "${name}" not found in kubeconfig ${source} (known: ${known})`);
  }
  return record(hit[what]);
}

function material(data: unknown, file: unknown, baseDir: string, what: string): Buffer | undefined {
  const d = str(data);
  if (d) return Buffer.from(d, 'base64');
  const f = str(file);
  if (!f) return undefined;
  const p = isAbsolute(f) ? f : resolve(baseDir, f);
  try {
    return readFileSync(p);
  } catch (e) {
    throw new KubeconfigError(`cannot read ${what} ${p}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// Parse a kubeconfig and resolve one context (default: current-context). Throws KubeconfigError with a clear reason.
// `~/x` as the shell reads it: under the home directory.
function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

// A path that is a service account directory means the Pod's own credentials (see in-cluster.ts);
// without a path, $KUBECONFIG and ~/.kube/config come first, then (in a Pod) the service account.
export function loadKubeconfig(opts: KubeconfigSource = {}): KubeTarget {
  let text = opts.text;
  let source = '<text>';
  let baseDir = process.cwd();
  if (text === undefined) {
    const path = resolve(expandHome(opts.path ?? defaultKubeconfigPath()));
    if (opts.path && isServiceAccountDir(path)) return inClusterTarget(process.env, path);
    if (!opts.path && !existsSync(path) && inCluster()) return inClusterTarget();
    if (!existsSync(path)) throw new KubeconfigError(`kubeconfig ${path} not found`);
    text = readFileSync(path, 'utf8');
    source = path;
    baseDir = dirname(path);
  } else if (opts.path) {
    source = opts.path;
    baseDir = dirname(resolve(opts.path));
  }
  let doc: Record<string, unknown>;
  try {
    doc = record(parseYaml(text));
  } catch (e) {
    throw new KubeconfigError(`kubeconfig ${source} is not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const contextName = opts.context ?? str(doc['current-context']);
  if (!contextName) throw new KubeconfigError(`kubeconfig ${source} has no current-context; name a context`);
  const ctx = findNamed(doc['contexts'], contextName, 'context', source);
  const clusterName = str(ctx['cluster']);
  if (!clusterName) throw new KubeconfigError(`context "${contextName}" in ${source} names no cluster`);
  const cluster = findNamed(doc['clusters'], clusterName, 'cluster', source);
  const server = str(cluster['server']);
  if (!server) throw new KubeconfigError(`cluster "${clusterName}" in ${source} has no server`);
  const userName = str(ctx['user']) ?? '';
  const user = userName ? findNamed(doc['users'], userName, 'user', source) : {};
  if (user['auth-provider']) {
    throw new KubeconfigError(`user "${userName}" in ${source} uses an auth-provider plugin (removed from kubectl since 1.26), which tsplay does not run; use an exec plugin, a token or a client certificate`);
  }
  const target: KubeTarget = {
    server: server.replace(/\/+$/, ''),
    context: contextName,
    cluster: clusterName,
    user: userName,
    namespace: str(ctx['namespace']) ?? 'default',
    source,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  const ca = material(cluster['certificate-authority-data'], cluster['certificate-authority'], baseDir, 'certificate-authority');
  const cert = material(user['client-certificate-data'], user['client-certificate'], baseDir, 'client-certificate');
  const key = material(user['client-key-data'], user['client-key'], baseDir, 'client-key');
  if (ca) target.ca = ca;
  if (cert) target.cert = cert;
  if (key) target.key = key;
  if (Boolean(cert) !== Boolean(key)) throw new KubeconfigError(`user "${userName}" in ${source} has a client certificate without a key (or a key without a certificate)`);
  const tokenFile = str(user['tokenFile']);
  const fileToken = !str(user['token']) && tokenFile ? material(undefined, tokenFile, baseDir, 'tokenFile')?.toString('utf8').trim() : undefined;
  const token = str(user['token']) ?? fileToken;
  if (token) target.token = token;
  if (fileToken !== undefined && tokenFile) target.tokenFile = isAbsolute(tokenFile) ? tokenFile : resolve(baseDir, tokenFile);
  if (user['exec']) target.exec = parseExecConfig(user['exec'], baseDir, `user "${userName}" in ${source}`);
  const username = str(user['username']);
  const password = str(user['password']);
  if (username && password) Object.assign(target, { username, password });
  const tlsServerName = str(cluster['tls-server-name']);
  if (tlsServerName) target.tlsServerName = tlsServerName;
  return target;
}
