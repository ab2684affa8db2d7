// A GET made on the controller (node:http/https), for get_url on targets that have neither curl
// nor wget: the body comes back in memory and the module puts it on the target.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { HttpRequest } from './http-target.js';

export interface ControllerResponse {
  status: number;
  url: string;
  headers: [string, string][];
  body: Buffer;
  error?: string;
}

function once(url: URL, req: HttpRequest, signal: AbortSignal): Promise<{ res: IncomingMessage; body: Buffer }> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.username !== undefined || req.password !== undefined) headers['Authorization'] = `Basic ${Buffer.from(`${req.username ?? ''}:${req.password ?? ''}`).toString('base64')}`;
  if (req.ifModifiedSince) headers['If-Modified-Since'] = new Date(req.ifModifiedSince * 1000).toUTCString();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(url, { method: req.method, headers, timeout: req.timeout * 1000, rejectUnauthorized: req.validateCerts, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`timed out after ${req.timeout}s`)));
    r.on('error', reject);
    r.end();
  });
}

// GETs the URL from the controller, following up to 10 redirects.
export async function controllerGet(req: HttpRequest, signal: AbortSignal): Promise<ControllerResponse> {
  let url = new URL(req.url);
  try {
    if (url.protocol === 'file:') return { status: 200, url: req.url, headers: [], body: await readFile(fileURLToPath(url)) };
    for (let hop = 0; hop < 10; hop++) {
      const { res, body } = await once(url, req, signal);
      const status = res.statusCode ?? 0;
      const headers = Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)] as [string, string]);
      if (status >= 300 && status < 400 && status !== 304 && res.headers.location && req.follow) {
        url = new URL(res.headers.location, url);
        continue;
      }
      return { status, url: url.toString(), headers, body };
    }
    return { status: -1, url: url.toString(), headers: [], body: Buffer.alloc(0), error: 'too many redirects' };
  } catch (e) {
    return { status: -1, url: url.toString(), headers: [], body: Buffer.alloc(0), error: e instanceof Error ? e.message : String(e) };
  }
}
