// Finding a real kubectl and running it against a simulated apiserver (HTTPS + token, as kubectl
// sends bearer tokens only over TLS).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSelfSignedCert, startKubeApi, type KubeApi } from '../../../lab/kube/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// Debian's kubectl: $TSPLAY_KUBECTL, else what scripts/ensure-kubectl.sh provides; `error` says why not.
export function findDebianKubectl(): { path: string } | { error: string } {
  const fromEnv = process.env['TSPLAY_KUBECTL'];
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { error: `TSPLAY_KUBECTL=${fromEnv} does not exist` };
  try {
    const out = execFileSync('bash', [join(ROOT, 'scripts/ensure-kubectl.sh')], { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const path = out.trim().split('\n').pop() ?? '';
    return existsSync(path) ? { path } : { error: `scripts/ensure-kubectl.sh printed ${JSON.stringify(out)}, not a kubectl path` };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { error: `scripts/ensure-kubectl.sh failed: ${(err.stderr ?? err.message).trim()}` };
  }
}

// A newer kubectl if the machine has one (google-cloud-cli ships kubectl.1.NN), else undefined.
export function findNewerKubectl(): string | undefined {
  const fromEnv = process.env['TSPLAY_KUBECTL_NEWER'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const dir = '/usr/lib/google-cloud-sdk/bin';
  if (!existsSync(dir)) return undefined;
  const versions = readdirSync(dir).filter((f) => /^kubectl\.1\.\d+$/.test(f)).sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  const newest = versions.pop();
  return newest ? join(dir, newest) : undefined;
}

// The outcome of one kubectl run.
export interface KubectlResult { code: number; stdout: string; stderr: string }

// A simulated cluster served over HTTPS with a kubeconfig file and a private HOME for kubectl's caches.
export class KubectlRig {
  private constructor(readonly api: KubeApi, readonly kubectl: string, private readonly home: string, private readonly config: string) {}

  // Start a server (grace periods scaled by timeScale) and write its kubeconfig.
  static async start(kubectl: string, timeScale = 0.01): Promise<KubectlRig> {
    const api = await startKubeApi({ token: 'kubectl-test-token', tls: makeSelfSignedCert(), timeScale });
    const home = mkdtempSync(join(tmpdir(), 'tsplay-kubectl-'));
    const config = join(home, 'kubeconfig');
    writeFileSync(config, api.kubeconfig());
    return new KubectlRig(api, kubectl, home, config);
  }

  // Run kubectl with args (never throws for a non-zero exit).
  run(args: string[], timeoutMs = 60_000): Promise<KubectlResult> {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: this.home, KUBECONFIG: this.config, LANG: 'C', NO_PROXY: '127.0.0.1,localhost' };
    return new Promise((resolve) => {
      execFile(this.kubectl, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  // Stop the server and remove the temporary HOME.
  async close(): Promise<void> {
    await this.api.close();
    rmSync(this.home, { recursive: true, force: true });
  }
}
