// The API server's GET /metrics in Prometheus text format: build info, stored objects, and
// apiserver_requested_deprecated_apis (one deprecated API a client still calls, removed only in 1.32).
import type { LabSim } from './sim.js';

// The deprecated APIs the lab's clients still request.
export const DEPRECATED_IN_USE = [{ group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta3', resource: 'flowschemas', removed: '1.32' }];

// The /metrics text of the lab's API server.
export function apiserverMetrics(sim: LabSim): string {
  const version = sim.refreshServerVersion();
  const [major = '1', minor = '0'] = version.replace(/^v/, '').split('.');
  const lines = [
    '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.',
    '# TYPE apiserver_requested_deprecated_apis gauge',
    ...DEPRECATED_IN_USE.map((d) => `apiserver_requested_deprecated_apis{group="${d.group}",removed_release="${d.removed}",resource="${d.resource}",subresource="",version="${d.version}"} 1`),
    '# HELP apiserver_storage_objects [STABLE] Number of stored objects at the time of last check split by kind.',
    '# TYPE apiserver_storage_objects gauge',
    ...['pods', 'nodes', 'services', 'endpointslices.discovery.k8s.io', 'leases.coordination.k8s.io'].map((r) => `apiserver_storage_objects{resource="${r}"} ${sim.store.items(r.split('.')[0] as string).length}`),
    '# HELP kubernetes_build_info [ALPHA] A metric with a constant \'1\' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.',
    '# TYPE kubernetes_build_info gauge',
    `kubernetes_build_info{build_date="2025-06-17T18:32:52Z",compiler="gc",git_commit="0000000000000000000000000000000000000000",git_tree_state="clean",git_version="${version}",go_version="go1.22.12",major="${major}",minor="${minor}",platform="linux/amd64"} 1`,
  ];
  return `${lines.join('\n')}\n`;
}
