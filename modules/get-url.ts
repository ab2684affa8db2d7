// get_url: downloads a file to the target like Ansible's get_url. The download runs on the target
// with curl (else wget), so it reaches what the host reaches; a minimal host with neither gets the
// file downloaded by the controller and put (the same bytes, fetched from the controller's network).
// A matching `checksum` on an existing dest skips the download; otherwise the file is replaced only
// when its sha1 differs, and a checksum is verified before the task succeeds.
import { posix } from 'node:path';
import { raw, sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type HostReader, type ModuleResult, type Probe } from '../engine/module.js';
import { ATTR_PROPERTIES, attrChanges, attrCommand, attrResult, attrsOf, type Attrs } from './lib/file-attrs.js';
import { readPath } from './lib/remote-file.js';
import { digestFromList, normalizeDigest, parseChecksum, type Algorithm } from './lib/checksum-spec.js';
import { FIND_TOOL, dispositionFilename, parseResponse, printCommand, requestCommand, toolFrom, urlFilename, type HttpRequest, type HttpTool } from './lib/http-target.js';
import { controllerGet } from './lib/http-controller.js';

// The get_url arguments (ansible-core 2.14's names, aliases and defaults).
export const schema = {
  type: 'object',
  properties: {
    url: { type: 'string', description: 'http, https, ftp or file URL' },
    dest: { type: 'string', description: 'the file on the target, or a directory (the name then comes from Content-Disposition or the URL)' },
    force: { type: 'boolean', default: false, description: 'download even when a matching checksum says the file is there' },
    backup: { type: 'boolean', default: false, description: 'keep a timestamped copy of a file that is replaced' },
    checksum: { type: 'string', default: '', description: 'ALGORITHM:HEX or ALGORITHM:URL of a checksum file (md5, sha1, sha224, sha256, sha384, sha512); verified after the download' },
    timeout: { type: 'integer', default: 10, description: 'seconds for the whole request' },
    headers: { type: 'object', description: 'request headers' },
    url_username: { type: 'string', aliases: ['username'], description: 'user for HTTP basic authentication (secret in logs)' },
    url_password: { type: 'string', aliases: ['password'], description: 'password for HTTP basic authentication (secret in logs)' },
    force_basic_auth: { type: 'boolean', default: false, description: 'send credentials without waiting for a 401 (curl always does)' },
    validate_certs: { type: 'boolean', default: true, description: 'false: do not verify TLS certificates' },
    http_agent: { type: 'string', default: 'ansible-httpget', description: 'the User-Agent header' },
    use_proxy: { type: 'boolean', default: true, description: 'accepted; the proxy environment of the target applies' },
    tmp_dest: { type: 'string', description: 'accepted and ignored (mktemp decides)' },
    decompress: { type: 'boolean', default: true, description: 'accepted and ignored' },
    unredirected_headers: { type: 'array', items: { type: 'string' }, default: [], description: 'accepted and ignored' },
    use_gssapi: { type: 'boolean', default: false, description: 'accepted and ignored' },
    use_netrc: { type: 'boolean', default: true, description: 'accepted and ignored' },
    ciphers: { type: 'array', items: { type: 'string' }, description: 'accepted and ignored' },
    client_cert: { type: 'string', description: 'accepted and ignored' },
    client_key: { type: 'string', description: 'accepted and ignored' },
    ...ATTR_PROPERTIES,
  },
  required: ['url', 'dest'],
  additionalProperties: false,
} as const;

function fail(msg: string, result: ModuleResult = {}): Probe {
  return { changed: false, failed: msg, result };
}

// Resolves checksum: URL by reading the checksum file (on the target when it has a tool).
async function expectedDigest(host: HostReader, tool: HttpTool | undefined, value: string, url: string, req: HttpRequest, signal: AbortSignal): Promise<{ algorithm: Algorithm; digest: string } | string | undefined> {
  const spec = parseChecksum(value);
  if (spec === undefined || typeof spec === 'string' || 'digest' in spec) return spec;
  let text: string;
  if (tool) {
    const r = await host.query(printCommand(tool, { ...req, url: spec.url }));
    if (r.rc !== 0) return `Failed to download the checksum file ${spec.url}: ${r.stderr.trim() || `exit ${r.rc}`}`;
    text = r.stdout;
  } else {
    const res = await controllerGet({ ...req, url: spec.url }, signal);
    if (res.status !== 200) return `Failed to download the checksum file ${spec.url}: ${res.error ?? `HTTP ${res.status}`}`;
    text = res.body.toString('utf8');
  }
  const digest = digestFromList(text, url);
  if (digest === undefined) return `Unable to find a checksum for file '${urlFilename(url)}' in '${spec.url}'`;
  return normalizeDigest(spec.algorithm, digest) as { algorithm: Algorithm; digest: string } | string;
}

async function digestOf(host: HostReader, algorithm: Algorithm, path: string): Promise<string | undefined> {
  const r = await host.query(sh`${raw(`${algorithm}sum`)} -- ${path}`);
  return r.rc === 0 ? r.stdout.split(/\s/)[0] : undefined;
}

export default defineModule({
  name: 'get_url',
  summary: 'Download a file to the host (curl or wget on the host; the controller when it has neither), with checksum verification',
  schema,
  freeForm: 'kv',
  checkMode: 'reads dest and its checksum; a matching checksum is ok, otherwise reports that it would download (nothing is fetched)',
  example: '- get_url:\n    url: https://dl.k8s.io/release/v1.29.1/bin/linux/amd64/kubectl\n    dest: /usr/local/bin/kubectl\n    checksum: sha256:https://dl.k8s.io/release/v1.29.1/bin/linux/amd64/kubectl.sha256\n    mode: "0755"',
  async probe(ctx, args) {
    const { url, dest } = args;
    const base: ModuleResult = { url, dest, checksum_dest: null, checksum_src: null, elapsed: 0 };
    const headers: Record<string, string> = { ...(args.headers as Record<string, string> | undefined) };
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['User-Agent'] = args.http_agent;
    const req: HttpRequest = { url, method: 'GET', headers, timeout: args.timeout, validateCerts: args.validate_certs, username: args.url_username, password: args.url_password, follow: true };
    const tool = toolFrom((await ctx.host_.query(FIND_TOOL)).stdout);
    const want = await expectedDigest(ctx.host_, tool, args.checksum, url, req, ctx.signal);
    if (typeof want === 'string') return fail(want, base);
    const st = await readPath(ctx.host_, dest, { follow: true });
    const attrs = attrsOf(args);
    let force = args.force;
    if (st.type !== 'directory' && st.type !== 'absent') {
      if (!force && want) {
        const have = await digestOf(ctx.host_, want.algorithm, dest);
        if (have === want.digest) return alreadyThere(dest, st, attrs, base);
        force = true;
      }
      if (!force) req.ifModifiedSince = st.mtime;
    } else if (st.type === 'absent' && (await readPath(ctx.host_, posix.dirname(dest), { follow: true })).type !== 'directory') {
      return fail(`Destination ${posix.dirname(dest)} does not exist`, base);
    }
    const download = { req, tool, dest, destIsDir: st.type === 'directory', want, attrs, backup: args.backup };
    return { changed: true, result: base, checkResult: { ...base, changed: true, msg: `would download ${url}` }, apply: (actx) => downloadTo(actx, download, base) };
  },
});

// dest already has the wanted checksum: only the attributes may change.
function alreadyThere(dest: string, st: Awaited<ReturnType<typeof readPath>>, attrs: Attrs, base: ModuleResult): Probe {
  const fix = attrCommand(dest, attrChanges(st, attrs));
  const result = { ...base, ...attrResult(st), msg: fix ? 'file already exists but file attributes changed' : 'file already exists' };
  if (!fix) return { changed: false, result: { ...result, changed: false } };
  return { changed: true, result, apply: async (actx) => {
    const r = await actx.host_.run(fix, actx.execDefaults);
    return r.rc === 0 ? { ...result, ...attrResult(await readPath(actx.host_, dest, { follow: true })) } : { ...result, failed: true, msg: r.stderr.trim() };
  } };
}

interface Download {
  req: HttpRequest;
  tool: HttpTool | undefined;
  dest: string;
  destIsDir: boolean;
  want: { algorithm: Algorithm; digest: string } | undefined;
  attrs: Attrs;
  backup: boolean;
}

// Downloads into a temporary file on the target (or from the controller), then moves it into place when it differs.
async function downloadTo(actx: ApplyContext, d: Download, base: ModuleResult): Promise<ModuleResult> {
  const start = Date.now();
  let tmp: string;
  let status: number;
  let dest = d.dest;
  if (d.tool) {
    const r = await actx.host_.run(requestCommand(d.tool, d.req), actx.execDefaults);
    const res = parseResponse(d.req, r.rc, r.stdout, r.stderr);
    tmp = res.tmp;
    status = res.status;
    const elapsed = Math.round((Date.now() - start) / 1000);
    if (status !== 200 && status !== 304) {
      if (tmp) await actx.host_.run(sh`rm -f -- ${tmp}`, actx.execDefaults);
      return status === -1 ? { ...base, elapsed, changed: false, failed: true, msg: `Request failed: ${res.error}` } : { ...base, elapsed, changed: false, failed: true, msg: 'Request failed', status_code: status, response: `HTTP Error ${status}` };
    }
    if (status === 304) {
      await actx.host_.run(sh`rm -f -- ${tmp}`, actx.execDefaults);
      return { url: d.req.url, dest, elapsed, changed: false, msg: 'HTTP Error 304: Not Modified', status_code: 304 };
    }
    if (d.destIsDir) dest = posix.join(dest, dispositionFilename(res) ?? urlFilename(res.url));
  } else {
    const res = await controllerGet(d.req, actx.signal);
    status = res.status;
    if (status === 304) return { url: d.req.url, dest, changed: false, msg: 'HTTP Error 304: Not Modified', status_code: 304 };
    if (status !== 200) return { ...base, changed: false, failed: true, ...(status === -1 ? { msg: `Request failed: ${res.error}` } : { msg: 'Request failed', status_code: status, response: `HTTP Error ${status}` }) };
    if (d.destIsDir) dest = posix.join(dest, dispositionFilename({ status, reason: '', url: res.url, headers: res.headers, tmp: '' }) ?? urlFilename(res.url));
    tmp = `${dest}.tsplay-${process.pid}-${Date.now()}.part`;
    await actx.host_.put(res.body, tmp, { mode: '0600' });
  }
  return placeFile(actx, d, { ...base, dest, elapsed: Math.round((Date.now() - start) / 1000), status_code: status }, tmp, dest);
}

async function placeFile(actx: ApplyContext, d: Download, base: ModuleResult, tmp: string, dest: string): Promise<ModuleResult> {
  const run = (c: ReturnType<typeof sh>) => actx.host_.run(c, actx.execDefaults);
  const src = await readPath(actx.host_, tmp, { checksum: true });
  const before = await readPath(actx.host_, dest, { checksum: true, follow: true });
  const result: ModuleResult = { ...base, src: tmp, checksum_src: src.checksum ?? null, checksum_dest: before.checksum ?? null, msg: `OK (${src.size ?? 0} bytes)` };
  let changed = false;
  if (src.checksum !== before.checksum) {
    if (d.backup && before.type === 'file') {
      const backupFile = `${dest}.${Date.now()}~`;
      await run(sh`cp -p -- ${dest} ${backupFile}`);
      result['backup_file'] = backupFile;
    }
    const perms = before.type === 'file' ? sh`chmod --reference=${dest} -- ${tmp} && chown --reference=${dest} -- ${tmp} 2>/dev/null; ` : sh`chmod "$(printf %o $((0666 & ~0$(umask))))" -- ${tmp}; `;
    const mv = await run(sh`${perms}mv -f -- ${tmp} ${dest}`);
    if (mv.rc !== 0) return { ...result, changed: false, failed: true, msg: `failed to copy ${tmp} to ${dest}: ${mv.stderr.trim()}` };
    changed = true;
  } else {
    await run(sh`rm -f -- ${tmp}`);
  }
  if (d.want) {
    const got = await digestOf(actx.host_, d.want.algorithm, dest);
    if (got !== d.want.digest) {
      await run(sh`rm -f -- ${dest}`);
      return { ...result, changed, failed: true, msg: `The checksum for ${dest} did not match ${d.want.digest}; it was ${got}.` };
    }
  }
  const now = await readPath(actx.host_, dest, { follow: true });
  const fix = attrCommand(dest, attrChanges(now, d.attrs));
  if (fix) {
    const r = await run(fix);
    if (r.rc !== 0) return { ...result, changed, failed: true, msg: r.stderr.trim() };
    changed = true;
  }
  const md5 = await actx.host_.query(sh`md5sum -- ${dest}`);
  const final = await readPath(actx.host_, dest, { follow: true });
  return { ...result, ...attrResult(final), changed, md5sum: md5.stdout.split(/\s/)[0] ?? null };
}
