// The Pod's own credentials, as client-go's rest.InClusterConfig reads them: the API at
// $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the service account's token (re-read as the
// kubelet rotates it), its CA and namespace from the service account directory
// (/var/run/secrets/kubernetes.io/serviceaccount, or $TSPLAY_SA_DIR).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KubeconfigError } from './errors.js';
import type { KubeTarget } from './kubeconfig.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

// Where the service account's token, CA and namespace are mounted.
export function serviceAccountDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['TSPLAY_SA_DIR'] || SERVICE_ACCOUNT_DIR;
}

// Whether this process runs in a Pod (the API's address in the environment and a token mounted).
export function inCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['KUBERNETES_SERVICE_HOST']) && existsSync(join(serviceAccountDir(env), 'token'));
}

// Whether a path is a service account directory (a directory holding a token) rather than a kubeconfig.
export function isServiceAccountDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, 'token'));
  } catch {
    return false;
  }
}

// The namespace the Pod runs in (the service account's), or undefined outside a Pod.
export function podNamespace(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['TSPLAY_POD_NAMESPACE']) return env['TSPLAY_POD_NAMESPACE'];
  try {
    return readFileSync(join(serviceAccountDir(env), 'namespace'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

// The target of the Pod's service account; throws KubeconfigError outside a Pod.
export function inClusterTarget(env: NodeJS.ProcessEnv = process.env, dir = serviceAccountDir(env)): KubeTarget {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'] || '443';
  if (!host) throw new KubeconfigError('not running in a Pod: KUBERNETES_SERVICE_HOST is not set (use a kubeconfig from outside the cluster)');
  const tokenFile = join(dir, 'token');
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (e) {
    throw new KubeconfigError(`cannot read the service account token ${tokenFile}: ${(e as Error).message}`);
  }
  const caFile = join(dir, 'ca.crt');
  const ca = existsSync(caFile) ? readFileSync(caFile) : undefined;
  let namespace = 'default';
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || 'default';
  } catch {
    /* the default namespace */
  }
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    server: `https://${h}:${port}`,
    context: 'in-cluster',
    cluster: 'in-cluster',
    user: 'serviceaccount',
    namespace,
    source: dir,
    token,
    tokenFile,
    ...(ca ? { ca } : {}),
    insecureSkipTlsVerify: false,
  };
}
