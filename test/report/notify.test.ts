// Notifications of a run reach a local receiver (a Slack-compatible webhook and a Pushgateway) with
// the expected payloads, and none of them carries a secret (no_log values, -e passwords).
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../helpers/bundled-main.js';
import { metricsText, RunNotifier } from '../../engine/report/notify.js';
import { redactUrl } from '../../engine/report/notify-send.js';

interface Req {
  method: string;
  url: string;
  type: string;
  body: string;
}

let server: Server;
let base = '';
const seen: Req[] = [];
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-notify-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', type: String(req.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
      // the first webhook delivery fails once: it must be retried
      const first = seen.filter((r) => r.url.startsWith('/hook')).length === 1 && req.url?.startsWith('/hook');
      res.writeHead(first ? 503 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('notifications', () => {
  it('a run posts start, batch, failure and finish messages and pushes its metrics; no secret in any payload', async () => {
    writeFileSync(join(dir, 'inv.ini'), 'a ansible_connection=local\nb ansible_connection=local\n');
    writeFileSync(join(dir, 'pb.yml'), `- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - name: uses a secret
      command: "echo {{ api_token }}"
      no_log: true
    - name: fails on b
      command: /bin/false
      when: inventory_hostname == 'b'
`);
    const out: string[] = [];
    const rc = await main(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.ini'), '-e', 'api_token=s3cr3t-t0ken', '-e', 'db_password=hunter2', '--webhook', `${base}/hook/T000/B000/XXXXSECRETPATH`, '--pushgateway', base], { out: (s) => out.push(s), err: (s) => out.push(s), isTTY: false, env: { ...process.env } });
    expect(rc).toBe(2);
    const hooks = seen.filter((r) => r.url.startsWith('/hook'));
    const texts = hooks.map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(hooks.every((r) => r.method === 'POST' && r.type === 'application/json')).toBe(true);
    expect(texts[0]).toMatch(/^tsplay run \S+ started: pb\.yml$/);
    expect(texts[1]).toBe(texts[0]); // the 503 was retried with the same message
    expect(texts.some((t) => /play 1 batch 1 done in [\d.]+ s \(a ok\)/.test(t))).toBe(true);
    expect(texts.some((t) => /failed \(exit 2\): 1 node\(s\) done; failed: b$/.test(t))).toBe(true);
    const pushes = seen.filter((r) => r.url.startsWith('/metrics/job/tsplay/run/'));
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.every((r) => r.method === 'PUT' && r.type.startsWith('text/plain'))).toBe(true);
    const last = pushes.at(-1)?.body ?? '';
    expect(last).toMatch(/^tsplay_run_status\{run="[^"]+",playbook="pb\.yml"\} 2$/m);
    expect(last).toMatch(/^tsplay_nodes_done\{.*\} 1$/m);
    expect(last).toMatch(/^tsplay_batch_duration_seconds\{.*,play="1",batch="2"\} [\d.]+$/m);
    for (const r of seen) {
      expect(r.body).not.toContain('s3cr3t-t0ken');
      expect(r.body).not.toContain('hunter2');
      expect(r.body).not.toContain('XXXXSECRETPATH');
    }
  });

  it('a failed delivery is a warning with the URL redacted, never a failed run', async () => {
    const errs: string[] = [];
    writeFileSync(join(dir, 'ok.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n');
    const rc = await main(['run', join(dir, 'ok.yml'), '-i', join(dir, 'inv.ini'), '--webhook', 'http://127.0.0.1:1/hooks/SECRET'], { out: () => undefined, err: (s) => errs.push(s), isTTY: false, env: { ...process.env } });
    expect(rc).toBe(0);
    expect(errs.join('\n')).toMatch(/notification to http:\/\/127\.0\.0\.1:1\/… not delivered/);
    expect(errs.join('\n')).not.toContain('SECRET');
    expect(redactUrl('https://hooks.example/services/T/B/X')).toBe('https://hooks.example/…');
  });

  it('a bad URL is a usage error (exit 5)', async () => {
    const errs: string[] = [];
    const rc = await main(['run', join(dir, 'ok.yml'), '-i', join(dir, 'inv.ini'), '--pushgateway', 'ftp://x'], { out: () => undefined, err: (s) => errs.push(s), isTTY: false, env: { ...process.env } });
    expect(rc).toBe(5);
  });

  it('metrics follow the events: guard trips and refusals counted, the status at the end', () => {
    const n = new RunNotifier(() => 0);
    n.onEvent({ type: 'start', run: 'r1', playbook: '/x/k8s-reboot.yml', check: false, diff: false, inventory: [] });
    n.onEvent({ type: 'guard', play: 1, batch: 1, host: 'k8s01', task: 't', condition: 'alerts', status: 'tripped', evidence: 'firing: X' });
    n.onEvent({ type: 'safety', check: 'budget', status: 'refused', host: 'k8s02', msg: 'm' });
    n.onEvent({ type: 'recap', stats: {}, rc: 99 });
    expect(metricsText(n.metrics)).toContain('tsplay_guard_trips_total{run="r1",playbook="k8s-reboot.yml"} 2');
    expect(metricsText(n.metrics)).toContain('tsplay_run_status{run="r1",playbook="k8s-reboot.yml"} 3');
  });
});
