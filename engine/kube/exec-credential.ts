// kubeconfig `exec` credential plugins, run as kubectl runs them (client.authentication.k8s.io
// v1 and v1beta1): the command (a relative path is taken from the kubeconfig's directory, a bare
// name from $PATH) with its args and env, KUBERNETES_EXEC_INFO describing the request, never
// interactive; its ExecCredential gives a token or a client certificate, kept until its
// expirationTimestamp.
import { spawn } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { KubeconfigError } from './errors.js';

const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

/** the `exec` section of a kubeconfig user */
export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  installHint?: string;
  interactiveMode?: string;
  provideClusterInfo?: boolean;
  /** the kubeconfig's directory (relative commands) */
  baseDir: string;
}

/** what a plugin handed out */
export interface ExecResult {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** ms since the epoch; undefined: until the server refuses it */
  expires?: number;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

// Reads and checks a kubeconfig user's `exec` section; throws KubeconfigError naming what is wrong.
export function parseExecConfig(raw: unknown, baseDir: string, where: string): ExecConfig {
  const e = rec(raw);
  const apiVersion = typeof e['apiVersion'] === 'string' ? e['apiVersion'] : '';
  if (!API_VERSIONS.includes(apiVersion)) throw new KubeconfigError(`${where}: exec plugin apiVersion ${JSON.stringify(apiVersion)} is not supported (use ${API_VERSIONS.join(' or ')})`);
  const command = typeof e['command'] === 'string' ? e['command'] : '';
  if (!command) throw new KubeconfigError(`${where}: exec plugin has no command`);
  const args = Array.isArray(e['args']) ? e['args'].map(String) : [];
  const env = (Array.isArray(e['env']) ? e['env'] : []).map((x) => ({ name: String(rec(x)['name'] ?? ''), value: String(rec(x)['value'] ?? '') })).filter((x) => x.name);
  const mode = typeof e['interactiveMode'] === 'string' ? e['interactiveMode'] : undefined;
  if (mode === 'Always') throw new KubeconfigError(`${where}: exec plugin ${command} needs a terminal (interactiveMode: Always), which an unattended run does not have`);
  return {
    apiVersion, command, args, env, baseDir,
    ...(typeof e['installHint'] === 'string' ? { installHint: e['installHint'] } : {}),
    ...(mode ? { interactiveMode: mode } : {}),
    ...(e['provideClusterInfo'] === true ? { provideClusterInfo: true } : {}),
  };
}

// Runs the plugin once and reads its ExecCredential; throws KubeconfigError with the plugin's own words.
export function runExecPlugin(cfg: ExecConfig, cluster: { server: string; ca?: Buffer | undefined; insecure: boolean }, timeoutMs = 60_000): Promise<ExecResult> {
  const cmd = cfg.command.includes('/') && !isAbsolute(cfg.command) ? resolve(cfg.baseDir, cfg.command) : cfg.command;
  const spec: Record<string, unknown> = { interactive: false };
  if (cfg.provideClusterInfo) spec['cluster'] = { server: cluster.server, 'insecure-skip-tls-verify': cluster.insecure, ...(cluster.ca ? { 'certificate-authority-data': cluster.ca.toString('base64') } : {}) };
  const env = { ...process.env, ...Object.fromEntries(cfg.env.map((x) => [x.name, x.value])), KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: cfg.apiVersion, kind: 'ExecCredential', spec }) };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, cfg.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = e.code === 'ENOENT' && cfg.installHint ? `\n${cfg.installHint.trim()}` : '';
      reject(new KubeconfigError(`exec credential plugin ${cfg.command}: ${e.code === 'ENOENT' ? 'executable not found' : e.message}${hint}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = err.trim().split('\n').slice(-5).join('\n');
      if (code !== 0) return reject(new KubeconfigError(`exec credential plugin ${cfg.command} ${signal ? `was killed (${signal}${signal === 'SIGKILL' ? `, no answer within ${timeoutMs / 1000}s` : ''})` : `exited ${code}`}${tail ? `: ${tail}` : ''}`));
      try {
        resolvePromise(readExecCredential(out, cfg));
      } catch (e) {
        reject(e);
      }
    });
  });
}

// The credential in a plugin's output.
export function readExecCredential(text: string, cfg: Pick<ExecConfig, 'apiVersion' | 'command'>): ExecResult {
  let doc: Record<string, unknown>;
  try {
    doc = rec(JSON.parse(text));
  } catch {
    throw new KubeconfigError(`exec credential plugin ${cfg.command} printed no ExecCredential JSON`);
  }
  if (doc['kind'] !== 'ExecCredential') throw new KubeconfigError(`exec credential plugin ${cfg.command} printed kind ${JSON.stringify(doc['kind'])}, not ExecCredential`);
  if (doc['apiVersion'] !== cfg.apiVersion) throw new KubeconfigError(`exec credential plugin ${cfg.command} answered ${JSON.stringify(doc['apiVersion'])}, not the ${cfg.apiVersion} it was asked for`);
  const s = rec(doc['status']);
  const token = typeof s['token'] === 'string' && s['token'] ? s['token'] : undefined;
  const certPem = typeof s['clientCertificateData'] === 'string' ? s['clientCertificateData'] : undefined;
  const keyPem = typeof s['clientKeyData'] === 'string' ? s['clientKeyData'] : undefined;
  if (Boolean(certPem) !== Boolean(keyPem)) throw new KubeconfigError(`exec credential plugin ${cfg.command} gave a client certificate without its key (or a key without its certificate)`);
  if (!token && !certPem) throw new KubeconfigError(`exec credential plugin ${cfg.command} gave neither a token nor a client certificate`);
  const exp = typeof s['expirationTimestamp'] === 'string' ? Date.parse(s['expirationTimestamp']) : NaN;
  return {
    ...(token ? { token } : {}),
    ...(certPem && keyPem ? { cert: Buffer.from(certPem), key: Buffer.from(keyPem) } : {}),
    ...(Number.isFinite(exp) ? { expires: exp } : {}),
  };
}
