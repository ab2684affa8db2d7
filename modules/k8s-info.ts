// k8s_info: kubernetes.core.k8s_info's arguments (kind, name, namespace, label_selectors,
// field_selectors) → `resources`, read through tsplay's Kubernetes client (the kinds it knows).
import { defineModule, type Probe } from '../engine/module.js';
import { getProbe } from './lib/kube-actions.js';
import { kubeErrorText, withKube } from './lib/kube-connect.js';
import { knownKinds, resourceOf } from './lib/kube-objects.js';
import { K8S_AUTH, kubeSettings, unsupportedAuth } from './lib/k8s-common.js';

// The k8s_info arguments (kubernetes.core's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    kind: { type: 'string', description: 'the object kind (Node, Pod, Deployment, ...)' },
    api_version: { type: 'string', default: 'v1', aliases: ['api', 'version'], description: 'accepted; the kind decides the API group' },
    name: { type: 'string', description: 'one object' },
    namespace: { type: 'string', description: 'the namespace (default: all namespaces)' },
    label_selectors: { type: 'array', items: { type: 'string' }, description: 'label selectors, ANDed (app=web, tier!=db)' },
    field_selectors: { type: 'array', items: { type: 'string' }, description: 'field selectors, ANDed (spec.nodeName=k8s01)' },
    wait: { type: 'boolean', default: false, description: 'accepted and ignored (use the kubectl module\'s wait)' },
    wait_timeout: { type: 'integer', default: 120, description: 'accepted and ignored' },
    wait_sleep: { type: 'integer', default: 5, description: 'accepted and ignored' },
    wait_condition: { type: 'object', description: 'accepted and ignored' },
    hidden_fields: { type: 'array', items: { type: 'string' }, description: 'accepted and ignored' },
    ...K8S_AUTH,
  },
  required: ['kind'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'k8s_info',
  aliases: ['kubernetes.core.k8s_info', 'community.kubernetes.k8s_info', 'k8s_facts'],
  summary: 'List Kubernetes objects (kubernetes.core.k8s_info arguments) as `resources`',
  schema,
  checkMode: 'runs as usual (read-only)',
  example: '- kubernetes.core.k8s_info:\n    kind: Pod\n    namespace: kube-system\n    label_selectors: [k8s-app=kube-dns]\n  register: dns',
  apiCluster: (args) => kubeSettings(args),
  async probe(ctx, args): Promise<Probe> {
    const bad = unsupportedAuth(args);
    if (bad) return { changed: false, failed: bad };
    const resource = resourceOf(args.kind);
    if (!resource) return { changed: false, failed: `unknown kind ${JSON.stringify(args.kind)} (known: ${knownKinds()})` };
    const sel = {
      resource, name: args.name, namespace: args.namespace, allNamespaces: args.namespace === undefined,
      selector: args.label_selectors?.join(',') || undefined, fieldSelector: args.field_selectors?.join(',') || undefined,
    };
    try {
      const p = await withKube(ctx, kubeSettings(args), (c) => getProbe(c, sel));
      return { changed: false, result: { changed: false, api_found: true, resources: p.result?.['resources'] ?? [] } };
    } catch (e) {
      return { changed: false, failed: kubeErrorText(e) };
    }
  },
});
