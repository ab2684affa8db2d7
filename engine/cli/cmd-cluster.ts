// `tsplay cluster install|uninstall`: unattended runs inside the cluster. install writes (or with
// --dry-run only prints, -o yaml|json) the ServiceAccount and its RBAC, the ConfigMap with the
// inventory (and the playbook unless it is one shipped in the image) and the CronJob that runs
// `tsplay run --in-cluster`; uninstall removes them (--purge: the run journals and the namespace too).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient, loadKubeconfig } from '../kube/index.js';
import { applyObjects, removeObjects } from '../incluster/apply.js';
import { installObjects, manifestsYaml, SHIPPED_DIR, type InstallOptions } from '../incluster/manifests.js';
import { cronProblem } from '../incluster/cron.js';
import { rawList, UsageError, type ParsedArgs } from './args.js';
import { version, type Io } from './app.js';

const PACKAGE = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const DEFAULT_PLAYBOOK = 'playbooks/k8s-reboot.yml';

function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// The playbook: a shipped one is referenced in the image; any other is carried in the ConfigMap.
function playbookOf(arg: string | undefined): InstallOptions['playbook'] {
  const p = arg ?? join(PACKAGE, DEFAULT_PLAYBOOK);
  const shippedRoot = join(PACKAGE, 'playbooks');
  const real = existsSync(p) ? realpathSync(p) : resolve(p);
  if (real.startsWith(shippedRoot + '/')) return { shipped: `${SHIPPED_DIR}/${relative(shippedRoot, real)}` };
  if (!existsSync(p)) throw new UsageError(`cluster install: playbook ${p} not found`, 1);
  return { name: basename(p), text: readFileSync(p, 'utf8') };
}

// What to install, from the flags.
export function installOptions(args: ParsedArgs): InstallOptions {
  const schedule = flag(args, 'schedule') ?? '0 3 * * *';
  const why = cronProblem(schedule);
  if (why) throw new UsageError(`argument --schedule: ${why}`, 5);
  const inv = rawList(args.flags['inventory']);
  if (inv.length > 1) throw new UsageError('cluster install: one inventory file (-i) at most; without one the tsplay.cluster plugin is used', 5);
  const inventory = inv[0];
  if (inventory && !existsSync(inventory)) throw new UsageError(`cluster install: inventory ${inventory} not found`, 1);
  const pushgateway = flag(args, 'pushgateway');
  if (pushgateway && !/^https?:\/\/[^/]/.test(pushgateway)) throw new UsageError('argument --pushgateway: not an http(s) URL', 5);
  if (flag(args, 'webhook')) throw new UsageError('cluster install: a webhook URL is a secret; put it in the Secret named by --notify-secret (key webhook-url), not on the command line', 5);
  const stallAfter = flag(args, 'stall-after');
  const user = flag(args, 'user');
  return {
    namespace: flag(args, 'namespace') ?? 'tsplay',
    playbook: playbookOf(args.positionals[1]),
    ...(inventory ? { inventory: { name: basename(inventory), text: readFileSync(inventory, 'utf8') } } : {}),
    schedule,
    image: flag(args, 'image') ?? `tsplay:${version()}`,
    sshSecret: flag(args, 'ssh-secret') ?? 'tsplay-ssh',
    ...(user ? { sshUser: user } : {}),
    notifySecret: flag(args, 'notify-secret') ?? 'tsplay-notify',
    ...(pushgateway ? { pushgateway } : {}),
    ...(stallAfter ? { stallAfter } : {}),
    extraVars: rawList(args.flags['extra-vars']),
  };
}

function client(args: ParsedArgs): KubeClient {
  const kubeconfig = flag(args, 'kubeconfig');
  const context = flag(args, 'context');
  return new KubeClient(loadKubeconfig({ ...(kubeconfig ? { path: kubeconfig } : {}), ...(context ? { context } : {}) }));
}

export async function cmdCluster(args: ParsedArgs, io: Io): Promise<number> {
  const sub = args.positionals[0];
  if (sub !== 'install' && sub !== 'uninstall') throw new UsageError('cluster: install [PLAYBOOK] or uninstall (tsplay cluster install --dry-run -o yaml)');
  const output = flag(args, 'output');
  if (output && output !== 'yaml' && output !== 'json') throw new UsageError(`argument -o/--output: invalid choice '${output}' (choose from yaml, json)`, 5);
  const o = installOptions(args);
  const objs = installObjects(o);
  const dry = args.flags['dry-run'] === true;
  if (output) io.out(output === 'yaml' ? manifestsYaml(objs).trimEnd() : JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }, null, 2));
  if (dry) return 0;
  const c = client(args);
  try {
    const done = sub === 'install' ? await applyObjects(c, objs) : await removeObjects(c, objs, { purge: args.flags['purge'] === true });
    if (!output) for (const d of done) io.out(`${d.ref} ${d.action}`);
    if (sub === 'install') {
      const secret = await c.find('secrets', o.sshSecret, { namespace: o.namespace }).catch(() => undefined);
      if (!secret) io.err(`[tsplay] the SSH key Secret ${o.namespace}/${o.sshSecret} does not exist yet; the runner needs it:\n  kubectl -n ${o.namespace} create secret generic ${o.sshSecret} --from-file=ssh-privatekey=KEYFILE --from-file=known_hosts=KNOWN_HOSTS`);
    }
    return 0;
  } finally {
    c.close();
  }
}
