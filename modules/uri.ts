// uri: an HTTP request made on the target, as Ansible's uri module makes it there (with curl; with
// delegate_to: localhost it runs on the controller's shell). Results are Ansible's: status, url,
// msg, redirected, response headers as lower_case keys, json for JSON responses, content with
// return_content; a status outside status_code fails. Ansible's uri does not support check mode,
// so under --check the task is skipped.
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type ArgsOf, type ModuleResult } from '../engine/module.js';
import { jsonDumps } from '../engine/py/json.js';
import { ATTR_PROPERTIES, attrChanges, attrCommand, attrsOf } from './lib/file-attrs.js';
import { readPath } from './lib/remote-file.js';
import { findSource } from './copy.js';
import { dispositionFilename, FIND_TOOL, parseResponse, requestCommand, toolFrom, type HttpRequest, type HttpResponse } from './lib/http-target.js';
import { responseResult } from './lib/uri-result.js';

// The uri arguments (ansible-core 2.14's names, aliases and defaults).
export const schema = {
  type: 'object',
  properties: {
    url: { type: 'string', description: 'the URL (http, https, file)' },
    method: { type: 'string', default: 'GET', description: 'the HTTP method, one uppercase word' },
    body: { description: 'the request body (a string, or data encoded by body_format)' },
    body_format: { enum: ['raw', 'json', 'form-urlencoded', 'form-multipart'], default: 'raw', description: 'json and form-urlencoded encode a non-string body and set Content-Type; form-multipart is not supported' },
    src: { type: 'string', description: 'a file whose content is the body (on the controller; on the target with remote_src)' },
    remote_src: { type: 'boolean', default: false, description: 'src is a file on the target' },
    headers: { type: 'object', default: {}, description: 'request headers' },
    status_code: { type: ['array', 'integer'], items: { type: 'integer' }, default: [200], description: 'the statuses that count as success' },
    return_content: { type: 'boolean', default: false, description: 'return the body as `content` (JSON responses are returned as `json` anyway)' },
    dest: { type: 'string', description: 'write the body to this file (a directory: the name from Content-Disposition, else index.html)' },
    creates: { type: 'string', description: 'do nothing when this path exists on the target' },
    removes: { type: 'string', description: 'do nothing unless this path exists on the target' },
    url_username: { type: 'string', aliases: ['user'], description: 'user for HTTP basic authentication (secret in logs)' },
    url_password: { type: 'string', aliases: ['password'], description: 'password for HTTP basic authentication (secret in logs)' },
    force_basic_auth: { type: 'boolean', default: false, description: 'send credentials without waiting for a 401 (curl always does)' },
    follow_redirects: { enum: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], default: 'safe', description: 'safe: follow redirects of GET and HEAD only; all/yes/urllib2: always; none/no: never' },
    validate_certs: { type: 'boolean', default: true, description: 'false: do not verify TLS certificates' },
    ca_path: { type: 'string', description: 'CA bundle on the target' },
    client_cert: { type: 'string', description: 'client certificate (PEM) on the target' },
    client_key: { type: 'string', description: 'client key (PEM) on the target' },
    timeout: { type: 'integer', default: 30, description: 'seconds for the whole request' },
    unix_socket: { type: 'string', description: 'connect through this Unix socket (e.g. the Docker or containerd API)' },
    http_agent: { type: 'string', default: 'ansible-httpget', description: 'the User-Agent header' },
    force: { type: 'boolean', default: false, description: 'accepted and ignored (no caching)' },
    use_proxy: { type: 'boolean', default: true, description: 'accepted; the proxy environment of the target applies' },
    decompress: { type: 'boolean', default: true, description: 'accepted and ignored' },
    unredirected_headers: { type: 'array', items: { type: 'string' }, default: [], description: 'accepted and ignored' },
    use_gssapi: { type: 'boolean', default: false, description: 'accepted and ignored' },
    use_netrc: { type: 'boolean', default: true, description: 'accepted and ignored' },
    ciphers: { type: 'array', items: { type: 'string' }, description: 'accepted and ignored' },
    ...ATTR_PROPERTIES,
  },
  required: ['url'],
  additionalProperties: false,
} as const;

type Dict = Record<string, unknown>;

// Python's urlencode(doseq) of a mapping or a list of pairs, as Ansible's form_urlencoded.
function formUrlencoded(body: unknown): string {
  const pairs: [string, unknown][] = Array.isArray(body) ? body.map((p) => (Array.isArray(p) ? [String(p[0]), p[1]] : [String(p), ''])) : Object.entries(body as Dict);
  const out = new URLSearchParams();
  for (const [k, v] of pairs) for (const x of Array.isArray(v) ? v : [v]) if (x !== null && x !== undefined) out.append(k, typeof x === 'string' ? x : JSON.stringify(x));
  return out.toString();
}

// The body text and the headers it implies, or an error.
function encodeBody(body: unknown, format: string, headers: Record<string, string>): string | { error: string } | undefined {
  if (body === undefined || body === null) return undefined;
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (format === 'json') {
    if (!hasType) headers['Content-Type'] = 'application/json';
    return typeof body === 'string' ? body : jsonDumps(body);
  }
  if (format === 'form-urlencoded') {
    if (!hasType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return typeof body === 'string' ? body : formUrlencoded(body);
  }
  if (format === 'form-multipart') return { error: 'body_format=form-multipart is not supported by tsplay' };
  return typeof body === 'string' ? body : jsonDumps(body);
}

export default defineModule({
  name: 'uri',
  summary: 'Make an HTTP request from the host (curl) and return status, headers, json/content',
  schema,
  freeForm: 'kv',
  checkMode: 'skipped, as in Ansible (uri does not support check mode)',
  example: '- uri:\n    url: https://127.0.0.1:16443/readyz\n    validate_certs: false\n    status_code: [200]\n  register: ready',
  async probe(ctx, args) {
    const skipped = { changed: false, skipped: true, msg: 'remote module (uri) does not support check mode' };
    if (!/^[A-Z]+$/.test(args.method)) return { changed: false, failed: "Parameter 'method' needs to be a single word in uppercase, like GET or POST." };
    if (args.body !== undefined && args.src !== undefined) return { changed: false, failed: 'parameters are mutually exclusive: body|src' };
    if (ctx.checkMode) return { changed: true, checkResult: skipped };
    for (const [path, wantExists] of [[args.creates, true], [args.removes, false]] as const) {
      if (path === undefined) continue;
      const exists = (await ctx.host_.query(sh`test -e ${path}`)).rc === 0;
      if (exists === wantExists) return { changed: false, result: { changed: false, stdout: wantExists ? `skipped, since '${path}' exists` : `skipped, since '${path}' does not exist` } };
    }
    const tool = toolFrom((await ctx.host_.query(FIND_TOOL)).stdout);
    if (tool !== 'curl') return { changed: false, failed: 'uri needs curl on the target (apt-get install curl), or delegate_to: localhost' };
    return { changed: true, checkResult: skipped, apply: (actx) => request(actx, args) };
  },
});

type UriArgs = ArgsOf<typeof schema>;

async function request(actx: ApplyContext, a: UriArgs): Promise<ModuleResult> {
  const headers: Record<string, string> = Object.fromEntries(Object.entries(a.headers as Dict).map(([k, v]) => [k, String(v)]));
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['User-Agent'] = a.http_agent;
  let body = encodeBody(a.body, a.body_format, headers);
  if (typeof body === 'object') return { changed: false, failed: true, msg: body.error };
  if (a.src !== undefined && !a.remote_src) {
    const path = findSource(a.src, actx.searchPaths);
    if (!path) return { changed: false, failed: true, msg: `Could not find or access '${a.src}' on the Ansible Controller.` };
    body = (await readFile(path)).toString('latin1');
  }
  const safe = a.method === 'GET' || a.method === 'HEAD';
  const follow = ['all', 'yes', 'urllib2'].includes(a.follow_redirects) || (a.follow_redirects === 'safe' && safe);
  const req: HttpRequest = {
    url: a.url, method: a.method, headers, timeout: a.timeout, validateCerts: a.validate_certs, username: a.url_username, password: a.url_password, follow,
    unixSocket: a.unix_socket, body: body !== undefined, caPath: a.ca_path, clientCert: a.client_cert, clientKey: a.client_key, bodyFile: a.src !== undefined && a.remote_src ? a.src : undefined,
  };
  const start = Date.now();
  const opts = { ...actx.execDefaults, ...(body !== undefined ? { stdin: Buffer.from(body, 'latin1') } : {}) };
  const r = await actx.host_.run(requestCommand('curl', req, { withBody: true }), opts);
  const res = parseResponse(req, r.rc, r.stdout, r.stderr);
  const elapsed = Math.round((Date.now() - start) / 1000);
  const codes = Array.isArray(a.status_code) ? a.status_code : [a.status_code];
  const result = responseResult(res, a.url, codes, elapsed, a.return_content);
  let changed = false;
  if (a.dest !== undefined && res.status !== -1 && codes.includes(res.status) && res.status !== 304) {
    const written = await writeDest(actx, a, res);
    if ('error' in written) return { ...result, changed: false, failed: true, msg: written.error };
    result['path'] = written.path;
    changed = true;
  } else if (res.tmp) await actx.host_.run(sh`rm -f -- ${res.tmp}`, actx.execDefaults);
  return { ...result, changed };
}

// Moves the downloaded body to dest (a directory gets the Content-Disposition name or index.html).
async function writeDest(actx: ApplyContext, a: UriArgs, res: HttpResponse): Promise<{ path: string } | { error: string }> {
  let dest = a.dest ?? '';
  if ((await readPath(actx.host_, dest, { follow: true })).type === 'directory') dest = posix.join(dest, dispositionFilename(res) ?? 'index.html');
  const mv = await actx.host_.run(sh`chmod "$(printf %o $((0666 & ~0$(umask))))" -- ${res.tmp} && mv -f -- ${res.tmp} ${dest}`, actx.execDefaults);
  if (mv.rc !== 0) return { error: `failed to write ${dest}: ${mv.stderr.trim()}` };
  const fix = attrCommand(dest, attrChanges(await readPath(actx.host_, dest, { follow: true }), attrsOf(a)));
  if (fix) await actx.host_.run(fix, actx.execDefaults);
  return { path: dest };
}
