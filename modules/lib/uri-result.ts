// The result of Ansible's uri from a response: status, url, msg, redirected, elapsed, every
// response header as a lower_case key (dashes become underscores), cookies, json for JSON
// content types, content with return_content, and the failure for a status outside status_code.
import type { ModuleResult } from '../../engine/module.js';
import { header, type HttpResponse } from './http-target.js';

const JSON_CANDIDATES = new Set(['json', 'javascript']);

// Whether a Content-Type is JSON the way Ansible decides (application/json, text/javascript, x+json).
export function isJsonType(contentType: string | undefined): boolean {
  const sub = (contentType ?? '').split(';')[0]?.split('/')[1]?.trim().toLowerCase() ?? '';
  return JSON_CANDIDATES.has(sub.includes('+') ? sub.split('+')[1] ?? '' : sub);
}

// Python's repr of a list of ints: [200, 201].
function pyList(codes: number[]): string {
  return `[${codes.join(', ')}]`;
}

// Ansible's absolute_location for a relative Location header.
function absolute(url: string, location: string): string {
  try {
    return new URL(location, url).toString();
  } catch {
    return location;
  }
}

// Builds the uri result from a parsed response.
export function responseResult(res: HttpResponse, url: string, codes: number[], elapsed: number, returnContent: boolean): ModuleResult {
  const out: ModuleResult = {};
  const length = header(res, 'content-length');
  const msg = res.status === -1 ? `Request failed: ${res.error ?? ''}` : res.status >= 400 ? `HTTP Error ${res.status}: ${res.reason}` : `OK (${length ?? 'unknown'} bytes)`;
  const cookies: Record<string, string> = {};
  for (const [k, v] of res.headers) {
    const key = k.replace(/-/g, '_');
    out[key] = out[key] === undefined ? v : `${String(out[key])}, ${v}`;
    if (k === 'set-cookie') {
      const [pair = ''] = v.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  if (typeof out['location'] === 'string') out['location'] = absolute(url, out['location']);
  Object.assign(out, { url: res.url, status: res.status, msg, redirected: res.url !== url, elapsed, changed: false, cookies, cookies_string: Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ') });
  const text = res.body64 !== undefined ? Buffer.from(res.body64, 'base64').toString('utf8') : undefined;
  if (text !== undefined && isJsonType(header(res, 'content-type'))) {
    try {
      out['json'] = JSON.parse(text);
    } catch {
      /* not JSON after all: no json key, as in Ansible */
    }
  }
  const ok = codes.includes(res.status);
  if (returnContent && text !== undefined) out['content'] = text;
  if (!ok) return { ...out, failed: true, msg: `Status code was ${res.status} and not ${pyList(codes)}: ${msg}` };
  return out;
}
