// Small HTTP helpers for the simulated apiserver: JSON responses and request bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { KubeStatusError, badRequest } from './errors.js';

const MAX_BODY = 16 * 1024 * 1024;

// Send a JSON body with a status code.
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

// Send an error as a Status object.
export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof KubeStatusError) {
    sendJson(res, err.code, err.toStatus());
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(res, 500, new KubeStatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }).toStatus());
}

// The generic 404 of an unknown path.
export function pathNotFound(): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

// Read the whole request body (bounded).
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new KubeStatusError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

// Parse a JSON (or YAML) request body; undefined when empty.
export function parseBody(buf: Buffer, contentType: string | undefined): unknown {
  const text = buf.toString('utf8');
  if (text.trim() === '') return undefined;
  const ct = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  if (ct.includes('protobuf')) throw new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  try {
    return ct.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded: ${e instanceof Error ? e.message : String(e)}`);
  }
}
