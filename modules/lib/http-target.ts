// HTTP requests made on the target, as Ansible's get_url and uri make them there: one shell run
// of curl (or wget for plain downloads) into a temporary file, printing the status, the final
// URL and the response headers; credentials are secrets (*** in logs), request bodies go on stdin.
import { raw, secret, sh, type ShellCommand } from '../../engine/connection/command.js';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  timeout: number;
  validateCerts: boolean;
  username?: string | undefined;
  password?: string | undefined;
  /** follow redirects (get_url always; uri's follow_redirects decides) */
  follow: boolean;
  unixSocket?: string | undefined;
  /** the request body is passed on stdin */
  body?: boolean;
  /** a file on the target sent as the body (uri src with remote_src) */
  bodyFile?: string | undefined;
  caPath?: string | undefined;
  clientCert?: string | undefined;
  clientKey?: string | undefined;
  /** If-Modified-Since, seconds since the epoch (get_url on an existing dest) */
  ifModifiedSince?: number | undefined;
}

/** what came back: status -1 when no response was received */
export interface HttpResponse {
  status: number;
  url: string;
  /** the reason phrase of the final status line (Not Found) */
  reason: string;
  /** response headers of the final response, names lower-cased, in order */
  headers: [string, string][];
  /** path of the temporary file holding the body on the target */
  tmp: string;
  /** the body, base64, when asked for */
  body64?: string;
  /** the transport error (curl/wget stderr) */
  error?: string;
}

export type HttpTool = 'curl' | 'wget';

const MARK = '@@tsplay-http@@';

// Which download tool the target has (curl preferred), or undefined.
export function toolFrom(out: string): HttpTool | undefined {
  const first = out.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (first.endsWith('/curl')) return 'curl';
  if (first.endsWith('/wget')) return 'wget';
  return undefined;
}

/** the read-only query that finds the tool */
export const FIND_TOOL = sh`command -v curl || command -v wget || true`;

// An HTTP date (If-Modified-Since) from seconds since the epoch.
function httpDate(epoch: number): string {
  return new Date(epoch * 1000).toUTCString();
}

function credentials(req: HttpRequest): ShellCommand {
  if (req.username === undefined && req.password === undefined) return sh``;
  return sh` -u ${secret(`${req.username ?? ''}:${req.password ?? ''}`)}`;
}

function curlArgs(req: HttpRequest): ShellCommand {
  const headers = Object.entries(req.headers).map(([k, v]) => sh` -H ${`${k}: ${v}`}`);
  const since = req.ifModifiedSince ? sh` -z ${httpDate(req.ifModifiedSince)}` : sh``;
  const method = req.method === 'HEAD' ? sh` --head` : sh` -X ${req.method}`;
  const tls = [req.caPath ? sh` --cacert ${req.caPath}` : sh``, req.clientCert ? sh` --cert ${req.clientCert}` : sh``, req.clientKey ? sh` --key ${req.clientKey}` : sh``];
  const data = req.bodyFile !== undefined ? sh` --data-binary ${`@${req.bodyFile}`}` : req.body ? sh` --data-binary @-` : sh``;
  return sh`curl -sS${method}${req.follow ? sh` -L` : sh``} --max-time ${String(req.timeout)}${req.validateCerts ? sh`` : sh` -k`}${tls}${req.unixSocket ? sh` --unix-socket ${req.unixSocket}` : sh``}${headers}${credentials(req)}${since}${data}`;
}

function wgetArgs(req: HttpRequest): ShellCommand {
  const headers = Object.entries(req.headers).map(([k, v]) => sh` --header=${`${k}: ${v}`}`);
  if (req.ifModifiedSince) headers.push(sh` --header=${`If-Modified-Since: ${httpDate(req.ifModifiedSince)}`}`);
  const user = req.username !== undefined ? sh` --user=${secret(req.username)}` : sh``;
  const pass = req.password !== undefined ? sh` --password=${secret(req.password)}` : sh``;
  return sh`wget -q -S --timeout=${String(req.timeout)} --tries=1${req.validateCerts ? sh`` : sh` --no-check-certificate`}${headers}${user}${pass}`;
}

// The command: downloads into a fresh temporary file (or `into`), then prints status, URL, headers,
// the temp path and (withBody) the body in base64; the exit status is the tool's.
export function requestCommand(tool: HttpTool, req: HttpRequest, opts: { withBody?: boolean } = {}): ShellCommand {
  const t = raw('"$t"');
  const h = raw('"$h"');
  const setup = sh`t=$(mktemp) && h=$(mktemp) || exit 1; `;
  const fetch = tool === 'curl'
    ? sh`${curlArgs(req)} -D ${h} -o ${t} -w ${'%{http_code} %{url_effective}'} ${req.url}; rc=$?; echo; `
    : sh`${wgetArgs(req)} -O ${t} ${req.url} 2>${h}; rc=$?; echo 000 ${req.url}; `;
  const body = opts.withBody ? sh`echo ${MARK}; base64 -w0 < ${t}; ` : sh``;
  return sh`${setup}${fetch}echo ${MARK}; cat ${h}; rm -f ${h}; echo ${MARK}; echo ${t}; ${body}exit $rc`;
}

// A read-only GET printing the body to stdout (a checksum file); HTTP errors exit non-zero.
export function printCommand(tool: HttpTool, req: HttpRequest): ShellCommand {
  return tool === 'curl' ? sh`${curlArgs(req)} --fail ${req.url}` : sh`${wgetArgs(req)} -O - ${req.url}`;
}

// The last block of response headers (curl -D, or wget -S's indented "  HTTP/1.1 200" blocks).
function lastHeaderBlock(text: string): { status: number; reason: string; headers: [string, string][] } {
  let status = 0;
  let reason = '';
  let headers: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = line.replace(/^ {2}/, '');
    const st = /^HTTP\/[\d.]+ (\d{3}) ?(.*)$/.exec(l);
    if (st) {
      status = Number(st[1]);
      reason = (st[2] ?? '').trim();
      headers = [];
      continue;
    }
    const c = l.indexOf(':');
    if (c > 0 && !/^\s/.test(l)) headers.push([l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim()]);
  }
  return { status, reason, headers };
}

// Parses the output of requestCommand.
export function parseResponse(req: HttpRequest, rc: number, stdout: string, stderr: string): HttpResponse {
  const [head = '', hdrs = '', tmp = '', body] = stdout.split(`${MARK}\n`);
  const m = /^(\d{3}) (.*)$/.exec(head.trim());
  const block = lastHeaderBlock(hdrs);
  const url = m?.[2] || req.url;
  let status = Number(m?.[1] ?? 0) || block.status;
  // file:// answers without a status line; a successful read is Ansible's 200
  if (status === 0 && rc === 0) status = 200;
  const res: HttpResponse = { status, reason: block.reason, url, headers: block.headers, tmp: tmp.trim() };
  if (body !== undefined) res.body64 = body.trim();
  if (rc !== 0 && (status === 0 || rc !== 8)) {
    res.status = -1;
    res.error = stderr.trim().split('\n').filter((l) => !/^\s/.test(l)).join('\n') || `exit ${rc}`;
  }
  return res;
}

// A header of the response, by lower-case name.
export function header(res: HttpResponse, name: string): string | undefined {
  return res.headers.find(([k]) => k === name)?.[1];
}

// Ansible's url_filename: the URL path's last segment, or index.html.
export function urlFilename(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    /* keep the text */
  }
  const base = decodeURIComponent(path.split('/').pop() ?? '');
  return base === '' ? 'index.html' : base;
}

// The file name from Content-Disposition (attachment; filename=...), as Ansible reads it.
export function dispositionFilename(res: HttpResponse): string | undefined {
  const m = /^attachment; ?filename="?([^"]+)/.exec(header(res, 'content-disposition') ?? '');
  return m?.[1] ? (m[1].split('/').pop() ?? undefined) : undefined;
}
