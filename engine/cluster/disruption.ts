// What disrupts a cluster member, however it is written: the Disruption a module declares, and
// the disruptions a shell line (command, shell, raw, script) would cause. A command that is not
// recognised is not disruptive. The recognised forms are listed in docs/SAFETY.md.
import { basename } from 'node:path';
import { simpleCommands, type SimpleCommand } from './shell-line.js';
import { packageRole, processRole, unitRole } from './units.js';

export type DisruptionKind = 'reboot' | 'service' | 'cordon' | 'drain' | 'sandboxes' | 'packages' | 'upgrade' | 'remove';

/** one action that takes a node, its datastore member, or both, out of service */
export interface Disruption {
  kind: DisruptionKind;
  /** what it is, for messages: "restart of snap.microk8s.daemon-k8s-dqlite" */
  what: string;
  /** the datastore member on the node goes down (dqlite/etcd restart or kill, reboot, microk8s stop) */
  datastore: boolean;
  /** acts through the Kubernetes API on this node (kubectl drain/cordon) rather than on its own host */
  apiNode?: string;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'nohup', 'nice', 'ionice', 'timeout', 'exec', 'command', 'builtin', 'time', 'stdbuf', 'setsid', 'chrt', 'taskset', 'systemd-run', 'flock', 'xargs', 'watch', 'eval']);
const SUDO_ARG = new Set(['-u', '-g', '-p', '-h', '-C', '-D', '-r', '-t', '-U', '--user', '--group', '--prompt', '--host', '--close-from', '--chdir', '--role', '--type', '--other-user']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);
const STOP_VERBS = new Set(['restart', 'stop', 'kill', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'condrestart', 'force-reload', 'freeze', 'mask', 'disable', 'isolate']);
const REBOOT_VERBS = new Set(['reboot', 'poweroff', 'halt', 'kexec', 'soft-reboot', 'emergency', 'rescue', 'suspend', 'hibernate', 'hybrid-sleep']);

// Strips assignments (VAR=x) and wrappers (sudo -u x, env -i, nohup, timeout 5m, ...) off a command.
export function unwrap(words: SimpleCommand, depth = 0): SimpleCommand {
  let w = words;
  for (let guard = 0; guard < 32; guard++) {
    while (w.length > 0 && (KEYWORDS.has(w[0] as string) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0] as string))) w = w.slice(1);
    const cmd = w[0] === undefined ? '' : basename(w[0]);
    if (!WRAPPERS.has(cmd)) return w;
    w = w.slice(1);
    // the wrapper's own options (and their values where they take one)
    while (w.length > 0 && (w[0] as string).startsWith('-') && w[0] !== '--') {
      const opt = w[0] as string;
      w = w.slice(1);
      if ((cmd === 'sudo' || cmd === 'doas') && SUDO_ARG.has(opt) && w.length > 0) w = w.slice(1);
      else if ((cmd === 'nice' || cmd === 'ionice' || cmd === 'chrt' || cmd === 'stdbuf') && /^-[ncpt]$/.test(opt) && w.length > 0) w = w.slice(1);
      else if ((cmd === 'timeout' || cmd === 'flock') && /^(-s|-k|--signal|--kill-after|-w|-E)$/.test(opt) && w.length > 0) w = w.slice(1);
      else if (cmd === 'env' && /^(-u|--unset|-C|--chdir|-S)$/.test(opt) && w.length > 0) w = w.slice(1);
      else if (cmd === 'systemd-run' && /^(-p|--property|-u|--unit|--uid|--gid|-E|--setenv)$/.test(opt) && w.length > 0) w = w.slice(1);
      else if (cmd === 'watch' && /^(-n|--interval)$/.test(opt) && w.length > 0) w = w.slice(1);
    }
    if (w[0] === '--') w = w.slice(1);
    if (cmd === 'timeout' && w.length > 0) w = w.slice(1);
    if (cmd === 'flock' && w.length > 0) w = w.slice(1);
    if (cmd === 'taskset' && w.length > 0) w = w.slice(1);
    if (cmd === 'eval') return depth < 4 ? unwrap(simpleCommands(w.join(' '))[0] ?? [], depth + 1) : [];
  }
  return w;
}

const service = (verb: string, unit: string, role: 'datastore' | 'node'): Disruption => ({ kind: 'service', what: `${verb} of ${unit}`, datastore: role === 'datastore' });
const reboot = (what: string): Disruption => ({ kind: 'reboot', what, datastore: true });

// The disruptions of one simple command (after unwrapping); shells' -c scripts are read too.
export function commandDisruptions(words: SimpleCommand, depth = 0): Disruption[] {
  const w = unwrap(words);
  const cmd = w[0] === undefined ? '' : basename(w[0]);
  const args = w.slice(1);
  const plain = args.filter((a) => !a.startsWith('-'));
  if (SHELLS.has(cmd)) {
    const i = args.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
    return i >= 0 && args[i + 1] !== undefined && depth < 4 ? lineDisruptions(args[i + 1] as string, depth + 1) : [];
  }
  if (cmd === 'ssh') return [];
  if (['reboot', 'poweroff', 'halt'].includes(cmd)) return args.includes('--help') ? [] : [reboot(cmd)];
  if (cmd === 'shutdown') return args.some((a) => a === '-c' || a === '-k' || a === '--help') ? [] : [reboot('shutdown')];
  if ((cmd === 'init' || cmd === 'telinit') && (plain[0] === '0' || plain[0] === '6')) return [reboot(`${cmd} ${plain[0]}`)];
  if (cmd === 'systemctl') return systemctl(plain);
  // a command named through a variable or substitution ($SYSTEMCTL, $(which systemctl)): read the rest as systemctl
  if (cmd.startsWith('$')) return systemctl(plain);
  if (cmd === 'service' && plain.length >= 2 && STOP_VERBS.has(plain[1] as string)) {
    const role = unitRole(plain[0] as string);
    return role ? [service(plain[1] as string, plain[0] as string, role)] : [];
  }
  if (cmd === 'snap' && ['restart', 'stop', 'disable', 'remove', 'refresh', 'revert'].includes(plain[0] ?? '')) {
    const targets = plain.slice(1).filter((t) => /^microk8s(\.|$)/.test(t) || packageRole(t) !== undefined);
    return targets.map((t) => ({ kind: plain[0] === 'refresh' || plain[0] === 'revert' ? 'packages' : 'service', what: `snap ${plain[0]} ${t}`, datastore: t === 'microk8s' || /dqlite/.test(t) || unitRole(`snap.${t}`) === 'datastore' }) as Disruption);
  }
  if ((cmd === 'microk8s' && ['stop', 'leave', 'reset', 'remove-node'].includes(plain[0] ?? '')) || ['microk8s.stop', 'microk8s.leave', 'microk8s.reset'].includes(cmd)) {
    return [{ kind: plain[0] === 'stop' || cmd === 'microk8s.stop' ? 'service' : 'remove', what: `microk8s ${plain[0] ?? cmd.split('.')[1]}`, datastore: true }];
  }
  if (cmd === 'pkill' || cmd === 'killall' || cmd === 'kill' || cmd === 'skill') return kills(cmd, w);
  if (cmd === 'kubeadm' && plain[0] === 'upgrade' && (plain[1] === 'apply' || plain[1] === 'node')) return [{ kind: 'upgrade', what: `kubeadm upgrade ${plain[1]}`, datastore: true }];
  if (cmd === 'kubeadm' && plain[0] === 'reset') return [{ kind: 'remove', what: 'kubeadm reset', datastore: true }];
  if ((cmd === 'kubectl' || cmd === 'microk8s.kubectl' || (cmd === 'microk8s' && plain[0] === 'kubectl')) && depth < 4) return kubectl(cmd === 'microk8s' ? args.slice(1) : args);
  if (['apt', 'apt-get', 'aptitude', 'yum', 'dnf'].includes(cmd)) return packages(cmd, plain);
  if (cmd === 'dpkg' && args.some((a) => a === '-i' || a === '--install' || a === '-r' || a === '-P' || a === '--remove' || a === '--purge')) {
    return plain.filter((p) => packageRole(basename(p).split('_')[0] ?? '') !== undefined).map((p) => ({ kind: 'packages', what: `dpkg on ${p}`, datastore: packageRole(basename(p).split('_')[0] ?? '') === 'datastore' }));
  }
  if (cmd === 'crictl' && (plain[0] === 'stopp' || plain[0] === 'rmp') && (args.includes('-a') || args.includes('--all') || args.some((a) => /^-[a-z]*a[a-z]*$/.test(a)) || plain.length > 1)) {
    return [{ kind: 'sandboxes', what: `crictl ${plain[0]}`, datastore: false }];
  }
  return [];
}

function systemctl(plain: string[]): Disruption[] {
  const verb = plain[0] ?? '';
  if (REBOOT_VERBS.has(verb)) return [reboot(`systemctl ${verb}`)];
  if (!STOP_VERBS.has(verb)) return [];
  if (verb === 'disable' || verb === 'mask') return [];
  const out: Disruption[] = [];
  for (const unit of plain.slice(1)) {
    if (unit === 'reboot.target' || unit === 'poweroff.target' || unit === 'halt.target') out.push(reboot(`systemctl ${verb} ${unit}`));
    const role = unitRole(unit);
    if (role) out.push(service(verb, unit, role));
  }
  return out;
}

function kills(cmd: string, w: SimpleCommand): Disruption[] {
  const text = w.slice(1).join(' ');
  const role = processRole(text);
  if (!role) return [];
  return [{ kind: 'service', what: `${cmd} ${text}`, datastore: role === 'datastore' }];
}

function kubectl(args: string[]): Disruption[] {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (/^(--kubeconfig|--context|-n|--namespace|--server|-s|--user|--cluster|--token|-l|--selector|--timeout|--grace-period|--pod-selector)$/.test(a)) i++;
    else if (!a.startsWith('-')) rest.push(a);
  }
  const verb = rest[0];
  if (verb === 'drain' || verb === 'cordon') return rest.slice(1).map((n) => ({ kind: verb, what: `kubectl ${verb} ${n}`, datastore: false, apiNode: n.replace(/^nodes?\//, '') }));
  if (verb === 'delete' && (rest[1] === 'node' || rest[1] === 'nodes' || rest[1]?.startsWith('node/'))) {
    const names = rest[1].includes('/') ? [rest[1].split('/')[1] as string] : rest.slice(2);
    return names.map((n) => ({ kind: 'remove', what: `kubectl delete node ${n}`, datastore: true, apiNode: n }));
  }
  return [];
}

function packages(cmd: string, plain: string[]): Disruption[] {
  const verb = plain[0] ?? '';
  if (!['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'remove', 'purge', 'reinstall', 'update', 'erase', 'downgrade'].includes(verb)) return [];
  if (cmd !== 'yum' && cmd !== 'dnf' && verb === 'update') return [];
  return plain.slice(1).filter((p) => packageRole(p) !== undefined).map((p) => ({ kind: 'packages', what: `${cmd} ${verb} ${p}`, datastore: packageRole(p) === 'datastore' }));
}

// Every disruption a shell line would cause (each simple command, substitutions and -c scripts included).
export function lineDisruptions(line: string, depth = 0): Disruption[] {
  const out: Disruption[] = [];
  for (const c of simpleCommands(line)) out.push(...commandDisruptions(c, depth));
  return out;
}
