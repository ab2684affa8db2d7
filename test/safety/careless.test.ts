// Seeds 002 and 004 replayed the way a careless operator would get around the safety, against the
// rehearsal lab through the built CLI: another group name, hosts by IP, add_host aliases, shell
// lines with flags/sudo/env/chains/pkill in a delegate_to loop, two plays, a shell loop of --limit
// runs, serial 1 without a guard under contention, the shipped playbook with its window set to 0,
// a drain while another node is cordoned, an undrained reboot, and tsplay running on a node. Each
// run is refused, fails the host before the disruption, or goes one member at a time; the lab's
// own record (quorum, voters, boot ids, cordons) shows nothing unsafe happened.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labForTests, type LabStatus, parseEvents, PlaybookLab, PLAYBOOKS, results, type RunEvent } from '../playbooks/lab.js';

let lab: PlaybookLab;
const DQLITE = 'snap.microk8s.daemon-k8s-dqlite';
const FAST = ['-e', 'tsplay_budget_wait=2s', '-e', 'tsplay_datastore_guard_wait=1s', '-e', 'tsplay_health_timeout=30s'];
const bootIds = (s: LabStatus) => Object.fromEntries(s.nodes.map((n) => [n.name, n.bootId]));

interface LabInventory {
  all: { children: { k8s: { hosts: Record<string, Record<string, unknown>>; vars: Record<string, unknown> } } };
}

function labInventory(): LabInventory {
  return parse(readFileSync(join(lab.dir, 'inventory', 'lab.yml'), 'utf8')) as LabInventory;
}

// Writes a file into the lab's directory and returns its path.
function put(name: string, text: string): string {
  const p = join(lab.dir, name);
  writeFileSync(p, text);
  return p;
}

// Runs a playbook of the lab directory with --output json.
async function run(playbook: string, ...args: string[]): Promise<{ rc: number | null; events: RunEvent[]; stderr: string }> {
  const r = await lab.cli(['run', playbook, '--output', 'json', ...FAST, ...args], 120_000);
  return { rc: r.rc, events: parseEvents(r.stdout), stderr: r.stderr };
}

// The hosts a task changed and the hosts it was refused on (by check), in event order.
function outcome(events: RunEvent[], task: string, by: 'target' | 'host' = 'target'): { changed: string[]; refused: string[] } {
  const all = [...results(events, task), ...events.filter((e) => e.type === 'item' && e['task'] === task)];
  const host = (e: RunEvent) => String((by === 'target' ? e['delegated_to'] : undefined) ?? e['host']);
  return {
    changed: all.filter((e) => e['status'] === 'changed').map(host),
    refused: all.filter((e) => e['status'] === 'failed' && /refusing|guard/.test(String(e['error'] ?? ''))).map(host),
  };
}

// The safety reports of a run (refusals, waits), one line each.
function safety(events: RunEvent[]): string {
  return events.filter((e) => e.type === 'safety').map((e) => `[SAFETY] ${String(e['check'])} ${String(e['host'] ?? '')}: ${String(e['msg'])}`).join('\n');
}

// The lab's record after a scenario: no incident (quorum lost, a datastore restart under
// contention, more nodes out than the budget, an undrained reboot), quorum held, every node Ready.
async function expectHealthy(): Promise<LabStatus> {
  const s = await lab.status();
  expect(s.incidents ?? [], JSON.stringify(s.incidents)).toEqual([]);
  expect(s.quorum.ok).toBe(true);
  expect(s.nodes.every((n) => n.ready)).toBe(true);
  return s;
}

const restartPlay = (hosts: string, extra = '') => `- hosts: ${hosts}
  gather_facts: false
  become: true${extra}
  tasks:
    - name: restart dqlite
      systemd:
        name: ${DQLITE}
        state: restarted
`;

labForTests((l) => (lab = l), 'dqlite');

// A command run on a lab node behind tsplay's back, with the real OpenSSH client.
function byHand(host: string, cmd: string): number | null {
  const h = labInventory().all.children.k8s.hosts[host] as Record<string, unknown>;
  const opts = String(h['ansible_ssh_common_args']).split(' ');
  return spawnSync('ssh', ['-i', String(h['ansible_ssh_private_key_file']), '-p', String(h['ansible_port']), ...opts, '-o', 'BatchMode=yes', `${String(h['ansible_user'])}@${String(h['ansible_host'])}`, cmd], { encoding: 'utf8', timeout: 20_000 }).status;
}

describe('the lab\'s record', { timeout: 60_000 }, () => {
  it('records the outage tsplay refuses when it is done by hand (the control for the scenarios below)', async () => {
    await lab.cli(['lab', 'incidents', 'clear']);
    expect(byHand('k8s01', `sudo systemctl stop ${DQLITE}`)).toBe(0);
    expect(byHand('k8s02', `sudo systemctl stop ${DQLITE}`)).toBe(0);
    const s = await lab.status();
    expect((s.incidents ?? []).map((i) => i.kind)).toContain('quorum-lost');
    for (const h of ['k8s01', 'k8s02']) expect(byHand(h, `sudo systemctl start ${DQLITE}`)).toBe(0);
    await lab.cli(['lab', 'incidents', 'clear']);
    // the lab recovers: every voter up and API writes working again
    for (let i = 0; i < 200; i++) {
      const st = await lab.status();
      if (st.quorum.ok && st.quorum.up === st.quorum.voters && st.api.writable) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

describe('careless playbooks against the lab', { timeout: 180_000 }, () => {
  beforeEach(async () => {
    await expectHealthy();
  });
  afterEach(async () => {
    await expectHealthy();
  });

  it('the seed 004 cluster under its own name (pvek8s), no serial: one voter restarted, the others refused', async () => {
    const inv = labInventory();
    const k8s = inv.all.children.k8s;
    const pvek8s = put('pvek8s.yml', stringify({ all: { children: { pvek8s: { hosts: k8s.hosts, vars: { tsplay_kubeconfig: k8s.vars['tsplay_kubeconfig'], tsplay_kube_context: 'lab' } } } } }));
    const r = await run(put('restart.yml', restartPlay('pvek8s')), '-i', pvek8s);
    expect(r.rc).toBe(2);
    const o = outcome(r.events, 'restart dqlite');
    expect(o.changed, safety(r.events)).toHaveLength(1);
    expect(o.refused).toHaveLength(2);
    expect(safety(r.events)).toMatch(/\[SAFETY\] budget .*refusing restart of snap\.microk8s\.daemon-k8s-dqlite .*in this same batch \(add serial: 1\)/);
    await expectHealthy();
  });

  it('the nodes by IP address in a group "ubuntu", no cluster variables: identity from the nodes themselves', async () => {
    const k8s = labInventory().all.children.k8s;
    const status = await lab.status();
    const byIp: Record<string, Record<string, unknown>> = {};
    for (const [name, h] of Object.entries(k8s.hosts)) {
      const ip = status.nodes.find((n) => n.name === name)?.ip ?? name;
      const { tsplay_node_root: _root, ...conn } = h;
      byIp[String(ip)] = conn;
    }
    const ubuntu = put('ubuntu.yml', stringify({ all: { children: { ubuntu: { hosts: byIp } } } }));
    const r = await run(put('restart-ubuntu.yml', restartPlay('ubuntu')), '-i', ubuntu);
    expect(r.rc).toBe(2);
    const o = outcome(r.events, 'restart dqlite');
    expect(o.changed).toHaveLength(1);
    expect(o.refused).toHaveLength(2);
    const ids = r.events.filter((e) => e.type === 'safety' && e['check'] === 'identity');
    expect(ids.length === 0 || ids.every((e) => /is node k8s0\d/.test(String(e['msg'])))).toBe(true);
    await expectHealthy();
  });

  it('add_host aliases of the nodes, then a play on the new group', async () => {
    const k8s = labInventory().all.children.k8s;
    const adds = Object.entries(k8s.hosts).map(([name, h]) => `    - add_host:\n        name: alias-${name}\n        groups: aliases\n        ansible_host: "${String(h['ansible_host'])}"\n        ansible_port: ${String(h['ansible_port'])}\n        ansible_user: ${String(h['ansible_user'])}\n        ansible_ssh_private_key_file: "${String(h['ansible_ssh_private_key_file'])}"\n        ansible_ssh_common_args: "${String(h['ansible_ssh_common_args'])}"\n`).join('');
    const pb = put('aliases.yml', `- hosts: localhost\n  gather_facts: false\n  tasks:\n${adds}\n${restartPlay('aliases')}`);
    const r = await run(pb);
    expect(r.rc).toBe(2);
    const o = outcome(r.events, 'restart dqlite');
    expect(o.changed).toHaveLength(1);
    expect(o.refused).toHaveLength(2);
    await expectHealthy();
  });

  it.each([
    ['-q', `systemctl -q restart ${DQLITE}`],
    ['sudo', `sudo systemctl restart ${DQLITE}`],
    ['an env prefix', `SYSTEMD_PAGER= systemctl --no-block restart ${DQLITE}`],
    ['an && chain', `true && systemctl restart ${DQLITE} && echo done`],
    ['pkill', `pkill -f k8s-dqlite`],
  ])('a shell line with %s in a delegate_to loop over groups.k8s: one voter, the others refused', async (_what, line) => {
    const pb = put('loop.yml', `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: restart dqlite\n      shell: ${JSON.stringify(line)}\n      become: true\n      delegate_to: "{{ item }}"\n      loop: "{{ groups.k8s }}"\n      ignore_errors: true\n`);
    const r = await run(pb);
    const o = outcome(r.events, 'restart dqlite');
    expect(o.refused).toEqual(['k8s02', 'k8s03']);
    expect(o.changed.length).toBeLessThanOrEqual(1);
    await expectHealthy();
  });

  it('a handler restarting dqlite in a play without serial (forks 1): one voter, the others refused', async () => {
    const k8s = labInventory().all.children.k8s;
    const nodes = put('nodes.yml', stringify({ all: { children: { nodes: { hosts: k8s.hosts, vars: { tsplay_kubeconfig: k8s.vars['tsplay_kubeconfig'] } } } } }));
    const pb = put('handler.yml', `- hosts: nodes\n  gather_facts: false\n  become: true\n  tasks:\n    - name: change the args\n      command: /bin/true\n      changed_when: true\n      notify: restart dqlite\n  handlers:\n    - name: restart dqlite\n      service:\n        name: ${DQLITE}\n        state: restarted\n`);
    const r = await run(pb, '-i', nodes, '-f', '1');
    expect(r.rc).toBe(2);
    const o = outcome(r.events, 'restart dqlite');
    expect(o.changed).toHaveLength(1);
    expect(o.refused).toHaveLength(2);
    await expectHealthy();
  });

  it('two runs at the same time on two voters: the second is refused by the run lock', async () => {
    const slow = put('slow.yml', restartPlay('k8s01') + `- hosts: k8s01\n  gather_facts: false\n  tasks:\n    - pause:\n        seconds: 3\n`);
    const first = lab.spawn(['run', slow, '--output', 'json', ...FAST], 60_000);
    // the second starts once the first holds the lock (bounded: the first's own timeout ends it)
    for (let i = 0; i < 600 && !/"type":"lock","status":"taken"/.test(first.out()); i++) await new Promise((r) => setTimeout(r, 50));
    const second = await run(put('other.yml', restartPlay('k8s03')));
    const a = await first.done;
    expect(a.rc).toBe(0);
    // refused before its first task (the quorum group takes the lock up front) or at its first disruption
    expect(second.rc === 1 || second.rc === 2).toBe(true);
    expect(outcome(second.events, 'restart dqlite').changed).toEqual([]);
    const why = safety(second.events) + second.events.filter((e) => e.type === 'error').map((e) => String(e['msg'])).join('\n');
    expect(why).toMatch(/locked by run \S+ by \S+ \(.*slow\.yml\)/);
    await expectHealthy();
  });

  it('two plays back to back (k8s02, then k8s03): one voter at a time, the second after the first is healthy again', async () => {
    const pb = put('two-plays.yml', restartPlay('k8s02') + restartPlay('k8s03'));
    const r = await run(pb);
    expect(r.rc).toBe(0);
    expect(outcome(r.events, 'restart dqlite').changed).toEqual(['k8s02', 'k8s03']);
    const gate = r.events.findIndex((e) => e.type === 'safety' && e['check'] === 'health-gate' && e['status'] === 'ok');
    const second = r.events.findIndex((e) => e.type === 'result' && e['host'] === 'k8s03');
    expect(gate).toBeGreaterThan(-1);
    expect(gate).toBeLessThan(second);
    await expectHealthy();
  });

  it('a shell loop of runs with --limit: each run waits for the previous voter to be healthy', async () => {
    const pb = put('one.yml', restartPlay('k8s'));
    for (const h of ['k8s01', 'k8s02', 'k8s03']) {
      const r = await run(pb, '--limit', h);
      expect(r.rc, r.stderr).toBe(0);
      expect(outcome(r.events, 'restart dqlite').changed).toEqual([h]);
      expect(r.events.some((e) => e.type === 'lock' && e['status'] === 'taken')).toBe(true);
    }
    await expectHealthy();
  });

  it('a kubectl drain from a localhost play while another node is cordoned: refused, and the run lock taken', async () => {
    const cordon = await run(put('cordon.yml', `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: cordon\n      kubectl:\n        action: cordon\n        node: k8s01\n        kubeconfig: "${String(labInventory().all.children.k8s.vars['tsplay_kubeconfig'])}"\n`));
    expect(cordon.rc).toBe(0);
    expect(cordon.events.some((e) => e.type === 'lock' && e['status'] === 'taken')).toBe(true);
    try {
      const r = await run(put('drain.yml', `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: drain\n      kubectl:\n        action: drain\n        node: k8s02\n        ignore_daemonsets: true\n        delete_emptydir_data: true\n        timeout: 5s\n        kubeconfig: "${String(labInventory().all.children.k8s.vars['tsplay_kubeconfig'])}"\n`));
      expect(r.rc).toBe(2);
      expect(outcome(r.events, 'drain').refused).toEqual(['localhost']);
      expect(safety(r.events)).toMatch(/node budget: k8s01 \(cordoned\) already out of service/);
      const s = await lab.status();
      expect(s.nodes.find((n) => n.name === 'k8s02')?.cordoned).toBe(false);
    } finally {
      await run(put('uncordon.yml', `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - kubectl:\n        action: uncordon\n        node: k8s01\n        kubeconfig: "${String(labInventory().all.children.k8s.vars['tsplay_kubeconfig'])}"\n`));
    }
  });

  it('a serial 1 reboot-only playbook: refused before the first reboot (reboot-undrained)', async () => {
    const before = bootIds(await lab.status());
    const r = await run(put('reboot.yml', `- hosts: k8s\n  serial: 1\n  gather_facts: false\n  become: true\n  tasks:\n    - name: reboot\n      reboot:\n`));
    expect(r.rc).toBe(2);
    expect(outcome(r.events, 'reboot').refused).toEqual(['k8s01']);
    expect(safety(r.events)).toMatch(/reboot-undrained: refusing reboot of node 'k8s01': this run has not drained it/);
    expect(bootIds(await lab.status())).toEqual(before);
  });

  it('tsplay running on k8s02: the rolling reboot stops before the first step on k8s02, which is left as it was', async () => {
    const r = await lab.cli(['run', join(PLAYBOOKS, 'k8s-reboot.yml'), '--output', 'json', ...FAST, '-e', 'reboot_soak_seconds=1', '-e', 'drain_timeout=4s', '-e', 'postflight_retries=3'], 120_000, { TSPLAY_NODE_NAME: 'k8s02' });
    expect(r.rc).toBe(2);
    const events = parseEvents(r.stdout);
    expect(outcome(events, 'cordon', 'host').changed, safety(events) + r.stderr.slice(-2000)).toEqual(['k8s01']);
    expect(outcome(events, 'cordon', 'host').refused, safety(events)).toEqual(['k8s02']);
    expect(safety(events)).toMatch(/self-preemption guard: refusing cordon of node k8s02 on node 'k8s02': it is the node tsplay runs on/);
    const s = await lab.status();
    expect(s.nodes.find((n) => n.name === 'k8s02')?.cordoned).toBe(false);
    expect(s.nodes.find((n) => n.name === 'k8s01')?.cordoned).toBe(false);
  });
  // contention last: its journal lines stay in the guard's window for the rest of this lab
  it('seed 004\'s fix (serial 1, no guard) under lock contention: the built-in guard refuses the first restart', async () => {
    await lab.fault('dqlite-lock-contention', true);
    try {
      const r = await run(put('serial1.yml', restartPlay('k8s', '\n  serial: 1')));
      expect(r.rc).toBe(2);
      const o = outcome(r.events, 'restart dqlite');
      expect(o.changed).toEqual([]);
      expect(o.refused).toEqual(['k8s01']);
      expect(safety(r.events)).toMatch(/datastore guard: refusing restart of snap\.microk8s\.daemon-k8s-dqlite of dqlite member 'k8s01': \d+ "database is locked" line/);
    } finally {
      await lab.fault('dqlite-lock-contention', false);
    }
  });

  it('the shipped update/home.yml with dqlite_lock_window=0s: the window floor still guards', async () => {
    await lab.fault('dqlite-lock-contention', true);
    try {
      const res = await lab.cli(['run', join(PLAYBOOKS, 'update', 'home.yml'), '--output', 'json', ...FAST, '-e', 'dqlite_lock_window=0s', '-e', 'dqlite_guard_wait=1s'], 120_000);
      expect(res.rc).toBe(2);
      const events = parseEvents(res.stdout);
      expect(outcome(events, 'restart k8s-dqlite').changed).toEqual([]);
      expect(safety(events), safety(events)).toMatch(/datastore guard: refusing .*database is locked/);
    } finally {
      await lab.fault('dqlite-lock-contention', false);
    }
  });

});

