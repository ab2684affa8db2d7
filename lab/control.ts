// The lab's control API (HTTP on 127.0.0.1, bearer token): GET /status, POST /fault, POST /tool
// (what every shim calls), GET /health, GET /incidents, POST /incidents/clear, POST /budget,
// POST /advance. Used by `tsplay lab` and by the node shells.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Incident, ToolCall, ToolResult } from './types.js';

// What the control API serves.
export interface ControlHandlers {
  status(): unknown;
  fault(name: string, on: boolean, nodes: string[]): string;
  tool(call: ToolCall): Promise<ToolResult>;
  // The incident log; `clear` empties it and returns what it held.
  incidents(clear: boolean): Incident[];
  // Set the node budget (throws for a bad value); returns a message.
  budget(nodes: number): string;
  // Move the journals back by ms (throws for a bad value); returns a message.
  advance(ms: number): string;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 8 * 1024 * 1024) throw new Error('request too large');
    chunks.push(c as Buffer);
  }
  const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('the body must be a JSON object');
  return v as Record<string, unknown>;
}

function authorized(req: IncomingMessage, token: string): boolean {
  const got = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${token}`);
  return got.length === want.length && timingSafeEqual(got, want);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

// The POST endpoints that change the lab and answer with a message (400 with the Error's message).
const ACTIONS: Record<string, (h: ControlHandlers, b: Record<string, unknown>) => string> = {
  '/fault': (h, b) => h.fault(String(b['name'] ?? ''), b['on'] === true, strings(b['nodes'])),
  '/budget': (h, b) => h.budget(Number(b['nodes'])),
  '/advance': (h, b) => h.advance(Number(b['ms'])),
};

// Start the control API; resolves with its URL and a close function.
export async function startControl(token: string, h: ControlHandlers): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      if (!authorized(req, token)) return send(res, 401, { error: 'unauthorized' });
      const path = new URL(req.url ?? '/', 'http://lab').pathname;
      if (req.method === 'GET' && path === '/health') return send(res, 200, { ok: true });
      if (req.method === 'GET' && path === '/status') return send(res, 200, h.status());
      if (req.method === 'GET' && path === '/incidents') return send(res, 200, { incidents: h.incidents(false) });
      if (req.method === 'POST' && path === '/incidents/clear') return send(res, 200, { incidents: h.incidents(true) });
      const act = ACTIONS[path];
      if (req.method === 'POST' && act) {
        const b = await readJson(req);
        try {
          return send(res, 200, { message: act(h, b) });
        } catch (e) {
          return send(res, 400, { error: (e as Error).message });
        }
      }
      if (req.method === 'POST' && path === '/tool') {
        const b = await readJson(req);
        const env = (typeof b['env'] === 'object' && b['env'] !== null ? b['env'] : {}) as Record<string, string>;
        const call: ToolCall = { node: String(b['node'] ?? ''), tool: String(b['tool'] ?? ''), args: strings(b['args']), root: b['root'] === true, env };
        if (typeof b['cwd'] === 'string') call.cwd = b['cwd'];
        if (typeof b['stdin'] === 'string') call.stdin = b['stdin'];
        return send(res, 200, await h.tool(call));
      }
      send(res, 404, { error: `no such endpoint: ${req.method ?? ''} ${path}` });
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { error: e instanceof Error ? e.message : String(e) });
      else res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
