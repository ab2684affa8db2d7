// startLab: the whole rehearsal cluster in this process — the simulated nodes and Kubernetes API,
// one SSH endpoint per node, the control API, the alert endpoint, and the files playbooks use
// (.tsplay/lab/*, inventory/lab.yml). The daemon and the tests both start it through here.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { startAlerts } from './alerts.js';
import { labIntercept } from './api-gate.js';
import { seedCluster } from './cluster-seed.js';
import { startControl } from './control.js';
import { checkRepairs, isFaultName, setFault } from './faults.js';
import { checkBudget } from './incident-checks.js';
import { inventoryYaml } from './inventory.js';
import { makeSelfSignedCert, startKubeApi, type KubeApi } from './kube/index.js';
import { logrus } from './journal.js';
import { makeNode, type NodeSim } from './node.js';
import { writeNodeRoot } from './node-files.js';
import { prepareDirs, type LabPaths } from './paths.js';
import { advanceJournals, setBudget, takeIncidents } from './rehearsal.js';
import { renewNodeLeases } from './leases.js';
import { syncSandboxes } from './sandboxes.js';
import { resolveShellUser, setprivPath } from './shell.js';
import { writeShims } from './shims.js';
import { LabSim } from './sim.js';
import { NodeSsh } from './ssh-server.js';
import { collectStatus, type LabStatus } from './status.js';
import { criSocket } from './tools/crictl.js';
import { runTool } from './tools/index.js';
import { DEFAULT_TIMINGS, FAULT_NAMES, type Datastore, type Flavor, type Incident, type LabOptions } from './types.js';
import { ETCD_IMAGE, START_MINOR } from './versions.js';
import { etcdStarted, labPodLog } from './etcd-log.js';

// The login name the inventory uses (any name works; `root` starts shells as simulated root).
export const LAB_LOGIN = 'ubuntu';

// A running lab.
export interface Lab {
  readonly paths: LabPaths;
  readonly sim: LabSim;
  readonly flavor: Flavor;
  readonly datastore: Datastore;
  readonly controlUrl: string;
  readonly controlToken: string;
  readonly apiUrl: string;
  readonly prometheusUrl: string;
  // The machine-independent facts `lab up` records in state.json.
  readonly ports: Record<string, number>;
  status(): LabStatus;
  fault(name: string, on: boolean, nodes?: string[]): string;
  // The incident log (`clear`: emptied, returning what it held).
  incidents(clear?: boolean): Incident[];
  // Set the node budget; throws for a bad value.
  budget(nodes: number): string;
  // Move every journal entry back by ms (`tsplay lab advance`); throws for a bad value.
  advance(ms: number): string;
  close(): Promise<void>;
}

// An ed25519 key pair in OpenSSH format. ssh2's generator now and then drops a leading zero byte of
// the public key and produces a key it cannot parse itself, so such pairs are generated again.
function sshKeyPair(comment: string): { private: string; public: string } {
  for (let i = 0; ; i++) {
    const k = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(k.private) instanceof Error) && !(ssh2.utils.parseKey(k.public) instanceof Error)) return k;
    if (i > 50) throw new Error('cannot generate an ed25519 key pair');
  }
}

// The files the cat and uname shims read: the node's boot id and running kernel.
function writeBootFiles(paths: LabPaths, n: NodeSim): void {
  writeFileSync(join(paths.bootDir, n.name), `${n.bootId}\n`, { mode: 0o644 });
  writeFileSync(join(paths.bootDir, `${n.name}.kernel`), `${n.kernel}\n`, { mode: 0o644 });
}

function bootHistory(sim: LabSim): void {
  for (const n of sim.nodes) {
    for (const u of n.units.values()) if (u.active === 'active') sim.syslog(n, u, `Started ${u.id} - ${u.description}.`, n.bootedAt + 2000);
    const ds = sim.unit(n, 'datastore');
    if (sim.kind === 'dqlite' && ds) sim.log(n, ds, logrus('info', 'Starting dqlite', n.bootedAt + 2500), n.bootedAt + 2500);
    if (sim.kind === 'etcd' && sim.datastore.member(n.name)) etcdStarted(sim, n, n.bootedAt + 2500);
  }
}

// Start a lab (see LabOptions); resolves once every endpoint listens and the files are written.
export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const datastore: Datastore = opts.datastore ?? 'dqlite';
  const cps = opts.controlPlanes ?? 1;
  if (datastore !== 'etcd' && opts.controlPlanes !== undefined) throw new Error('--control-planes needs --datastore etcd (every microk8s node is a control plane)');
  const count = opts.nodes ?? Math.max(3, cps);
  if (!Number.isInteger(count) || count < 1 || count > 20) throw new Error(`--nodes must be between 1 and 20, not ${count}`);
  if (!Number.isInteger(cps) || cps < 1 || cps > count) throw new Error(`--control-planes must be between 1 and the number of nodes (${count}), not ${cps}`);
  const flavor: Flavor = datastore === 'dqlite' ? 'microk8s' : 'kubeadm';
  const user = resolveShellUser(opts.shellUser);
  const paths = prepareDirs(opts.cwd ?? process.cwd(), user);
  const nodes = Array.from({ length: count }, (_, i) => makeNode(flavor, i, join(paths.nodesDir, `k8s${String(i + 1).padStart(2, '0')}`), Date.now(), cps));
  const sim = new LabSim(flavor, datastore, nodes, { ...DEFAULT_TIMINGS, ...(opts.timings ?? {}) });
  if (opts.budget !== undefined) setBudget(sim, opts.budget);
  const warnings: string[] = [];
  if (!user && !setprivPath()) warnings.push('setpriv (util-linux) is missing: lab shells run as you without no_new_privs, so a real sudo in a playbook could gain privileges');
  const closers: (() => Promise<void> | void)[] = [() => sim.close()];
  try {
    const api: KubeApi = await startKubeApi({ store: sim.store, token: randomBytes(24).toString('hex'), tls: makeSelfSignedCert(), serverVersion: sim.clusterVersion, intercept: labIntercept(sim), podLog: labPodLog(sim) });
    closers.push(() => api.close());
    sim.api = api;
    sim.refreshServerVersion();
    seedCluster(sim.store, flavor, nodes, ETCD_IMAGE[START_MINOR] ?? '3.5.16-0');
    const kubeconfig = api.kubeconfig('lab');
    writeFileSync(paths.kubeconfig, kubeconfig, { mode: 0o600 });
    const token = randomBytes(24).toString('hex');
    let statusOf: () => LabStatus = () => {
      throw new Error('starting');
    };
    const fault = (name: string, on: boolean, which: string[] = []) => {
      if (!isFaultName(name)) throw new Error(`unknown fault ${JSON.stringify(name)}; the faults are: ${FAULT_NAMES.join(', ')}`);
      return setFault(sim, name, on, which);
    };
    const rehearsal = { incidents: (clear = false) => takeIncidents(sim, clear), budget: (n: number) => setBudget(sim, n), advance: (ms: number) => advanceJournals(sim, ms) };
    const control = await startControl(token, { status: () => statusOf(), fault, tool: (c) => runTool(sim, c), ...rehearsal });
    closers.push(() => control.close());
    const alerts = await startAlerts(sim);
    closers.push(() => alerts.close());
    const dispatcher = writeShims(paths.binDir);
    for (const n of nodes) {
      writeBootFiles(paths, n);
      writeNodeRoot({ node: n, flavor, datastore: sim.datastore, kubeconfig, dispatcher, user });
    }
    const client = sshKeyPair('tsplay-lab');
    writeFileSync(paths.keyFile, client.private, { mode: 0o600 });
    writeFileSync(`${paths.keyFile}.pub`, `${client.public}\n`, { mode: 0o644 });
    const clientKey = ssh2.utils.parseKey(client.public) as ParsedKey;
    const servers = new Map<string, NodeSsh>();
    const known: string[] = [];
    for (const n of nodes) {
      const host = sshKeyPair(`root@${n.name}`);
      const env = (login: string): Record<string, string> => ({
        PATH: `${paths.binDir}:/usr/bin:/bin`, HOME: n.dir, USER: login, LOGNAME: login, SHELL: '/bin/sh', LANG: 'C.UTF-8',
        TSPLAY_LAB_NODE: n.name, TSPLAY_LAB_NODE_IP: n.ip, TSPLAY_LAB_URL: control.url, TSPLAY_LAB_TOKEN: token, TSPLAY_LAB_USER: login, TSPLAY_LAB_BOOT_DIR: paths.bootDir,
        ...(login === 'root' ? { TSPLAY_LAB_ROOT: '1' } : {}),
      });
      const inProcess = opts.dispatch === 'shell' ? {} : { inProcess: { sim, node: n, binDir: paths.binDir, user } };
      const ssh = new NodeSsh({ node: n, hostKey: host.private, clientKey, user, env, ...inProcess });
      n.sshPort = await ssh.listen(0);
      servers.set(n.name, ssh);
      closers.push(() => ssh.close());
      known.push(`[127.0.0.1]:${n.sshPort} ${host.public.split(' ').slice(0, 2).join(' ')}`);
    }
    writeFileSync(paths.knownHosts, `${known.join('\n')}\n`, { mode: 0o644 });
    sim.hooks.nodeDown = (n) => servers.get(n.name)?.down();
    sim.hooks.nodeUp = (n) => {
      writeBootFiles(paths, n);
      void servers.get(n.name)?.listen(n.sshPort).catch(() => undefined);
    };
    sim.hooks.changed = () => {
      checkRepairs(sim);
      for (const n of nodes) syncSandboxes(sim, n);
    };
    sim.hooks.availability = () => checkBudget(sim);
    sim.every(sim.timings.kubeletSyncMs, () => {
      sim.store.batch(() => {
        for (const n of nodes) syncSandboxes(sim, n);
      });
    });
    sim.every(sim.timings.nodeLeaseRenewMs, () => renewNodeLeases(sim));
    bootHistory(sim);
    for (const n of nodes) {
      syncSandboxes(sim, n);
      for (const s of n.sandboxes) s.created = n.bootedAt + 30_000;
    }
    statusOf = () => collectStatus(sim, { apiUrl: api.url, prometheusUrl: alerts.url, inventory: paths.inventory, kubeconfig: paths.kubeconfig, warnings });
    if (opts.writeInventory !== false) {
      mkdirSync(dirname(paths.inventory), { recursive: true });
      writeFileSync(paths.inventory, inventoryYaml({ flavor, datastore, nodes, login: LAB_LOGIN, keyFile: paths.keyFile, knownHosts: paths.knownHosts, kubeconfig: paths.kubeconfig, prometheusUrl: alerts.url, criEndpoint: `unix://${criSocket(sim)}` }));
    }
    const ports: Record<string, number> = { api: Number(new URL(api.url).port), control: Number(new URL(control.url).port), prometheus: Number(new URL(alerts.url).port) };
    for (const n of nodes) ports[n.name] = n.sshPort;
    let closed = false;
    return {
      paths, sim, flavor, datastore, controlUrl: control.url, controlToken: token, apiUrl: api.url, prometheusUrl: alerts.url, ports,
      status: () => statusOf(),
      fault,
      ...rehearsal,
      close: async () => {
        if (closed) return;
        closed = true;
        sim.closed = true;
        for (const c of closers.reverse()) await c();
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
    throw e;
  }
}
