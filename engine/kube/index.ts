// tsplay's Kubernetes client (kubeconfig loading, REST verbs, evictions, watches).
export { loadKubeconfig, defaultKubeconfigPath, type KubeTarget, type KubeconfigSource } from './kubeconfig.js';
export { KubeClient, type ClientOptions, type RequestOptions, type ListOptions, type DeleteOptions, type PatchKind, type EvictionResult } from './client.js';
export { KubeApiError, KubeTransportError, KubeconfigError } from './errors.js';
export { KUBE_RESOURCES, resourcePath, apiVersionOf, isKubeResource, type KubeResource, type ResourceInfo, type PathParts } from './resources.js';
export type { RawResponse } from './transport.js';
export type { WatchEvent, WatchEnd } from './watch.js';
export { defaultRetry, withRetry, transientError, TRANSIENT_STATUSES, type RetryPolicy } from './retry.js';
export { inCluster, inClusterTarget, isServiceAccountDir, podNamespace, serviceAccountDir, SERVICE_ACCOUNT_DIR } from './in-cluster.js';
export { parseExecConfig, readExecCredential, runExecPlugin, type ExecConfig, type ExecResult } from './exec-credential.js';
export { Credentials, type Credential } from './credentials.js';
