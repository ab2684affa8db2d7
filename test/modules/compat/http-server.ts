// A small HTTP server on 127.0.0.1 for get_url/uri tests against the real local shell (curl).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  base: string;
  seen: Seen[];
  close(): Promise<void>;
}

type Route = (req: Seen) => { status?: number; headers?: Record<string, string>; body?: string };

// Serves the routes (path → handler); unknown paths are 404.
export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      const route = routes[(req.url ?? '').split('?')[0] ?? ''];
      const out = route ? route(s) : { status: 404, body: 'not found\n' };
      res.writeHead(out.status ?? 200, out.headers ?? {});
      res.end(out.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
