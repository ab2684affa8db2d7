// How requests authenticate, as kubectl does it: a fixed token or basic auth; a token file re-read
// every minute (a projected service account token is rotated under the running process); an exec
// credential plugin run at the first request and again when its credential expires. After a 401
// the token file is read, or the plugin run, again once.
import { readFileSync } from 'node:fs';
import { KubeconfigError } from './errors.js';
import { runExecPlugin, type ExecResult } from './exec-credential.js';
import type { KubeTarget } from './kubeconfig.js';

/** what one request carries */
export interface Credential {
  authorization?: string;
  cert?: Buffer;
  key?: Buffer;
}

const FILE_TTL_MS = 60_000;
/** an exec credential is renewed this long before it expires */
const EXPIRY_MARGIN_MS = 10_000;

export class Credentials {
  private fileToken: { token: string; at: number } | undefined;
  private exec: ExecResult | undefined;
  private running: Promise<ExecResult> | undefined;

  constructor(private readonly target: KubeTarget) {
    if (target.tokenFile && target.token) this.fileToken = { token: target.token, at: Date.now() };
  }

  // Whether a 401 may be cured by fetching the credential again.
  get renewable(): boolean {
    return Boolean(this.target.exec || this.target.tokenFile);
  }

  // The credential for the next request.
  async get(): Promise<Credential> {
    const t = this.target;
    if (t.exec) {
      const r = await this.execResult();
      return { ...(r.token ? { authorization: `Bearer ${r.token}` } : {}), ...(r.cert && r.key ? { cert: r.cert, key: r.key } : {}) };
    }
    const token = t.tokenFile ? this.readTokenFile(t.tokenFile) : t.token;
    if (token) return { authorization: `Bearer ${token}` };
    if (t.username && t.password) return { authorization: `Basic ${Buffer.from(`${t.username}:${t.password}`).toString('base64')}` };
    return {};
  }

  // Forgets the current credential (the server refused it).
  invalidate(): void {
    this.fileToken = undefined;
    this.exec = undefined;
  }

  private readTokenFile(path: string): string {
    const now = Date.now();
    if (this.fileToken && now - this.fileToken.at < FILE_TTL_MS) return this.fileToken.token;
    try {
      const token = readFileSync(path, 'utf8').trim();
      this.fileToken = { token, at: now };
      return token;
    } catch (e) {
      // a token that cannot be read again is still the best we have (client-go keeps the old one too)
      if (this.fileToken) return this.fileToken.token;
      throw new KubeconfigError(`cannot read tokenFile ${path}: ${(e as Error).message}`);
    }
  }

  private async execResult(): Promise<ExecResult> {
    const cur = this.exec;
    if (cur && (cur.expires === undefined || cur.expires - EXPIRY_MARGIN_MS > Date.now())) return cur;
    this.running ??= runExecPlugin(this.target.exec as NonNullable<KubeTarget['exec']>, { server: this.target.server, ca: this.target.ca, insecure: this.target.insecureSkipTlsVerify }).finally(() => {
      this.running = undefined;
    });
    this.exec = await this.running;
    return this.exec;
  }
}
