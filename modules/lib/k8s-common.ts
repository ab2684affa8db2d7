// What kubernetes.core's modules share: the connection arguments (kubeconfig, context) and the
// ones tsplay accepts but does not use (host, api_key, ... belong in a kubeconfig).
export const K8S_AUTH = {
  kubeconfig: { type: ['string', 'object'], description: 'kubeconfig path on the controller (or its content); default: host var tsplay_kubeconfig, $KUBECONFIG, ~/.kube/config' },
  context: { type: 'string', description: 'kubeconfig context' },
  host: { type: 'string', description: 'not supported: use a kubeconfig' },
  api_key: { type: 'string', description: 'not supported: use a kubeconfig' },
  username: { type: 'string', description: 'not supported: use a kubeconfig' },
  password: { type: 'string', description: 'not supported: use a kubeconfig' },
  validate_certs: { type: 'boolean', aliases: ['verify_ssl'], description: 'accepted; the kubeconfig decides' },
  ca_cert: { type: 'string', aliases: ['ssl_ca_cert'], description: 'not supported: use a kubeconfig' },
  client_cert: { type: 'string', aliases: ['cert_file'], description: 'not supported: use a kubeconfig' },
  client_key: { type: 'string', aliases: ['key_file'], description: 'not supported: use a kubeconfig' },
  proxy: { type: 'string', description: 'not supported' },
  persist_config: { type: 'boolean', description: 'accepted and ignored' },
  impersonate_user: { type: 'string', description: 'not supported' },
  impersonate_groups: { type: 'array', items: { type: 'string' }, description: 'not supported' },
} as const;

const UNSUPPORTED = ['host', 'api_key', 'username', 'password', 'ca_cert', 'client_cert', 'client_key', 'proxy', 'impersonate_user', 'impersonate_groups'] as const;

// An error for connection arguments tsplay does not take (everything comes from a kubeconfig).
export function unsupportedAuth(args: Record<string, unknown>): string | undefined {
  const given = UNSUPPORTED.filter((k) => args[k] !== undefined);
  return given.length ? `${given.join(', ')}: not supported by tsplay; give a kubeconfig (and context) instead` : undefined;
}

// The kubeconfig and context arguments as the kubectl machinery takes them (inline YAML as text).
export function kubeSettings(args: { kubeconfig?: unknown; context?: string | undefined }): { kubeconfig?: string; context?: string } {
  const k = args.kubeconfig;
  return { ...(k === undefined ? {} : { kubeconfig: typeof k === 'string' ? k : `${JSON.stringify(k)}\n` }), ...(args.context ? { context: args.context } : {}) };
}
