// The shim directory first on every lab shell's PATH: one node dispatcher that sends simulated
// commands to the control API, a #!/bin/sh shim per tool, and small sh shims for sudo (become runs
// as the same user, marked root for the simulation), hostname, cat (boot_id), uname, id, whoami, chown/chgrp.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS } from './tools/index.js';

const q = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;

// The environment variables a simulated command sees from its shell (the rest stays with the shell).
export const PASS_ENV: readonly string[] = ['CONTAINER_RUNTIME_ENDPOINT', 'DEBIAN_FRONTEND', 'KUBECONFIG'];
// The small sh shims besides the simulated tools (all in the shim directory).
export const SH_SHIMS: readonly string[] = ['sudo', 'hostname', 'cat', 'id', 'whoami', 'uname', 'chown', 'chgrp'];

const DISPATCHER = `'use strict';
// tsplay lab: runs one simulated command through the lab's control API.
const http = require('http');
const fs = require('fs');
const { spawnSync } = require('child_process');
const [tool, ...args] = process.argv.slice(2);
const env = process.env;
let stdin;
if (tool === 'dpkg' && args.includes('--set-selections')) { try { stdin = fs.readFileSync(0, 'utf8'); } catch { stdin = ''; } }
const pass = {};
for (const k of ${JSON.stringify(PASS_ENV)}) if (env[k] !== undefined) pass[k] = env[k];
const body = JSON.stringify({ node: env.TSPLAY_LAB_NODE, tool, args, root: env.TSPLAY_LAB_ROOT === '1', cwd: process.cwd(), env: pass, stdin });
const die = (msg) => { process.stderr.write(tool + ': ' + msg + '\\n'); process.exitCode = 125; };
let url;
try { url = new URL('/tool', env.TSPLAY_LAB_URL); } catch { die('TSPLAY_LAB_URL is not set (not a lab shell?)'); return; }
const req = http.request(url, { method: 'POST', headers: { authorization: 'Bearer ' + env.TSPLAY_LAB_TOKEN, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    let r;
    try { r = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { return die('lab control API answered HTTP ' + res.statusCode); }
    if (r.error) return die(r.error);
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    if (r.exec) {
      const x = spawnSync(r.exec.file, r.exec.args, { stdio: 'inherit', env: Object.assign({}, env, r.exec.env || {}) });
      process.exitCode = x.status === null ? 137 : x.status;
      return;
    }
    process.exitCode = r.rc;
  });
});
req.on('error', (e) => die('cannot reach the lab control API: ' + e.message));
req.end(body);
`;

const SUDO = `#!/bin/sh
# tsplay lab: become runs the command as this same user; TSPLAY_LAB_ROOT=1 makes the simulated tools treat it as root.
prompt=
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; break ;;
    -p) prompt="$2"; shift 2 ;;
    --prompt=*) prompt="\${1#--prompt=}"; shift ;;
    -p*) prompt="\${1#-p}"; shift ;;
    -u|-g|-C|-D|-r|-t|-U|-T|--user|--group) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
if [ -n "$prompt" ]; then printf '%s' "$prompt" >&2; IFS= read -r _tsplay_password || true; fi
if [ $# -eq 0 ]; then echo "usage: sudo [-u user] command" >&2; exit 1; fi
TSPLAY_LAB_ROOT=1; export TSPLAY_LAB_ROOT
exec "$@"
`;

const HOSTNAME = `#!/bin/sh
case "$1" in
  -i|--ip-address|-I|--all-ip-addresses) echo "$TSPLAY_LAB_NODE_IP" ;;
  ""|-*) echo "$TSPLAY_LAB_NODE" ;;
  *) echo "hostname: you must be root to change the host name" >&2; exit 1 ;;
esac
`;

const CAT = `#!/bin/sh
# tsplay lab: only /proc/sys/kernel/random/boot_id is simulated; everything else is the real cat.
for a in "$@"; do
  if [ "$a" = /proc/sys/kernel/random/boot_id ]; then
    rc=0
    for b in "$@"; do
      case "$b" in
        /proc/sys/kernel/random/boot_id) /bin/cat "$TSPLAY_LAB_BOOT_DIR/$TSPLAY_LAB_NODE" || rc=1 ;;
        --) ;;
        *) /bin/cat "$b" || rc=1 ;;
      esac
    done
    exit $rc
  fi
done
exec /bin/cat "$@"
`;

const ID = `#!/bin/sh
if [ "$TSPLAY_LAB_ROOT" = 1 ]; then u=root; uid=0; gid=0; groups="0(root)"; g=root; else u="$TSPLAY_LAB_USER"; uid=1000; gid=1000; g="$u"; groups="1000($u),4(adm),27(sudo),998(microk8s)"; fi
case "$*" in
  "") echo "uid=$uid($u) gid=$gid($g) groups=$groups" ;;
  -u) echo "$uid" ;;
  -un|-nu|"-u -n"|"-n -u") echo "$u" ;;
  -g) echo "$gid" ;;
  -gn|-ng|"-g -n"|"-n -g") echo "$g" ;;
  *) exec /usr/bin/id "$@" ;;
esac
`;

const UNAME = `#!/bin/sh
# tsplay lab: the node's kernel release and host name; everything else is the real uname.
k=$(/bin/cat "$TSPLAY_LAB_BOOT_DIR/$TSPLAY_LAB_NODE.kernel" 2>/dev/null)
case "$*" in
  -r|--kernel-release) echo "$k" ;;
  -n|--nodename) echo "$TSPLAY_LAB_NODE" ;;
  -a|--all) echo "Linux $TSPLAY_LAB_NODE $k #50-Ubuntu SMP PREEMPT_DYNAMIC Sat Sep 14 18:07:34 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux" ;;
  *) exec /bin/uname "$@" ;;
esac
`;

const WHOAMI = `#!/bin/sh
if [ "$TSPLAY_LAB_ROOT" = 1 ]; then echo root; else echo "$TSPLAY_LAB_USER"; fi
`;

const CHOWN = (real: string) => `#!/bin/sh
# tsplay lab: as "root", ownership changes the unprivileged shell user cannot make are accepted and ignored.
out=$(${real} "$@" 2>&1) && exit 0
if [ "$TSPLAY_LAB_ROOT" = 1 ]; then case "$out" in *"not permitted"*) exit 0 ;; esac; fi
printf '%s\\n' "$out" >&2
exit 1
`;

// A #!/bin/sh shim that runs one simulated tool through the dispatcher.
export function toolShim(dispatcher: string, tool: string): string {
  return `#!/bin/sh\nexec ${q(process.execPath)} ${q(dispatcher)} ${q(tool)} "$@"\n`;
}

function put(path: string, body: string): void {
  writeFileSync(path, body, { mode: 0o755 });
  chmodSync(path, 0o755);
}

// Write the shim directory; returns the dispatcher's path.
export function writeShims(binDir: string): string {
  mkdirSync(binDir, { recursive: true, mode: 0o755 });
  chmodSync(binDir, 0o755);
  const dispatcher = join(binDir, '.lab-tool.cjs');
  writeFileSync(dispatcher, DISPATCHER, { mode: 0o644 });
  chmodSync(dispatcher, 0o644);
  for (const tool of Object.keys(TOOLS)) put(join(binDir, tool), toolShim(dispatcher, tool));
  put(join(binDir, 'sudo'), SUDO);
  put(join(binDir, 'hostname'), HOSTNAME);
  put(join(binDir, 'cat'), CAT);
  put(join(binDir, 'id'), ID);
  put(join(binDir, 'whoami'), WHOAMI);
  put(join(binDir, 'uname'), UNAME);
  put(join(binDir, 'chown'), CHOWN('/bin/chown'));
  put(join(binDir, 'chgrp'), CHOWN('/bin/chgrp'));
  return dispatcher;
}

// Extra shims inside a node's root at the absolute paths scripts use (/snap/bin/microk8s, the dqlite shell).
export function writeNodeShims(nodeDir: string, dispatcher: string): void {
  for (const [rel, tool] of [['snap/bin/microk8s', 'microk8s'], ['snap/microk8s/current/bin/dqlite', 'dqlite']] as const) {
    const path = join(nodeDir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    put(path, toolShim(dispatcher, tool));
  }
}
