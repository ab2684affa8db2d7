// HTTP(S) transport to an apiserver with node:http/node:https only. tsplay ships its own small client
// instead of @kubernetes/client-node to keep its dependencies down (a few verbs, evictions and watches).
// Credentials (credentials.ts) are fetched per request: a rotated token file or an exec plugin's
// certificate is picked up without a new client.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Credentials } from './credentials.js';
import { KubeTransportError } from './errors.js';
import type { KubeTarget } from './kubeconfig.js';

// A raw response: status, headers, and the body parsed as JSON when it is JSON.
export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: any;
}

// One request to send.
export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, string> | undefined;
  body?: unknown;
  contentType?: string | undefined;
  accept?: string | undefined;
  timeoutMs: number;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

// Connection settings for one target; owns keep-alive agents until close().
export class Transport {
  readonly url: URL;
  readonly credentials: Credentials;
  private agent: HttpAgent | HttpsAgent;
  /** the client certificate the HTTPS agent was made with (an exec plugin may hand out another) */
  private agentCert: Buffer | undefined;
  private readonly old: (HttpAgent | HttpsAgent)[] = [];
  private readonly https: boolean;

  constructor(private readonly target: KubeTarget) {
    this.url = new URL(target.server);
    this.https = this.url.protocol === 'https:';
    this.credentials = new Credentials(target);
    this.agentCert = target.cert;
    this.agent = this.makeAgent(target.cert, target.key);
  }

  private makeAgent(cert: Buffer | undefined, key: Buffer | undefined): HttpAgent | HttpsAgent {
    const t = this.target;
    return this.https
      ? new HttpsAgent({
          keepAlive: true,
          maxSockets: 16,
          ...(t.ca ? { ca: t.ca } : {}),
          ...(cert ? { cert } : {}),
          ...(key ? { key } : {}),
          ...(t.tlsServerName ? { servername: t.tlsServerName } : {}),
          rejectUnauthorized: !t.insecureSkipTlsVerify,
        })
      : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  }

  // The request headers' credentials; like kubectl, they go only over TLS (plain HTTP only on a loopback address: the lab).
  private async authHeaders(what: string): Promise<Record<string, string>> {
    let c;
    try {
      c = await this.credentials.get();
    } catch (e) {
      throw new KubeTransportError(`${what}: ${(e as Error).message}`, e);
    }
    if (c.cert && c.key && c.cert !== this.agentCert) {
      this.old.push(this.agent);
      this.agent = this.makeAgent(c.cert, c.key);
      this.agentCert = c.cert;
    }
    return c.authorization && (this.https || isLoopback(this.url.hostname)) ? { Authorization: c.authorization } : {};
  }

  // Start a request; the callback gets the response stream. Rejects only on transport failure.
  async open(r: RawRequest, onResponse: (res: IncomingMessage) => void, signal?: AbortSignal): Promise<void> {
    const auth = await this.authHeaders(`${r.method} ${this.target.server}${r.path}`);
    const prefix = this.url.pathname.replace(/\/+$/, '');
    const qs = r.query && Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : '';
    const payload = r.body === undefined ? undefined : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    const opts: RequestOptions = {
      method: r.method,
      host: this.url.hostname.replace(/^\[|\]$/g, ''),
      port: this.url.port || (this.url.protocol === 'https:' ? 443 : 80),
      path: `${prefix}${r.path}${qs}`,
      agent: this.agent,
      headers: {
        'User-Agent': 'tsplay',
        ...auth,
        Accept: r.accept ?? 'application/json',
        ...(payload ? { 'Content-Type': r.contentType ?? 'application/json', 'Content-Length': payload.length } : {}),
      },
    };
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<void>((resolve, reject) => {
      const req = send(opts, (res) => {
        resolve();
        onResponse(res);
      });
      const what = `${r.method} ${this.target.server}${r.path}`;
      req.setTimeout(r.timeoutMs, () => req.destroy(new KubeTransportError(`${what}: no response within ${r.timeoutMs} ms`)));
      req.on('error', (err) => reject(err instanceof KubeTransportError ? err : new KubeTransportError(`${what}: ${err.message}`, err)));
      if (signal) {
        if (signal.aborted) req.destroy(new KubeTransportError(`${what}: aborted`));
        else signal.addEventListener('abort', () => req.destroy(new KubeTransportError(`${what}: aborted`)), { once: true });
      }
      req.end(payload);
    });
  }

  // Send a request and read the whole response.
  async send(r: RawRequest): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      this.open(r, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new KubeTransportError(`${r.method} ${r.path}: ${err.message}`, err)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (/json/.test(String(res.headers['content-type'] ?? '')) || /^\s*[{[]/.test(text)) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      }).catch(reject);
    });
  }

  // Close idle keep-alive connections.
  close(): void {
    this.agent.destroy();
    for (const a of this.old.splice(0)) a.destroy();
  }
}
