// A kubeconfig text for the simulated apiserver.
import { stringify } from 'yaml';

// What the kubeconfig points at and how it authenticates.
export interface KubeconfigSpec {
  context: string;
  server: string;
  token?: string;
  // The server certificate (PEM), trusted as the cluster's certificate authority.
  caPem?: string;
  namespace?: string;
}

// A kubeconfig YAML with one cluster, user and context, selected as current-context.
export function buildKubeconfig(s: KubeconfigSpec): string {
  const user = `${s.context}-admin`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: s.context, cluster: { server: s.server, ...(s.caPem ? { 'certificate-authority-data': Buffer.from(s.caPem).toString('base64') } : {}) } }],
    users: [{ name: user, user: s.token !== undefined ? { token: s.token } : {} }],
    contexts: [{ name: s.context, context: { cluster: s.context, user, namespace: s.namespace ?? 'default' } }],
    'current-context': s.context,
    preferences: {},
  });
}
