// What `tsplay plan` shows of the run's safety before anything runs: every play host that belongs
// to a cluster resolved to its node and datastore membership (read-only probes and API reads).
import type { Inventory } from '../../inventory/index.js';
import type { Playbook } from '../../load/model.js';
import { quorumGroups } from '../../plan/quorum.js';
import { RunContext, type RunOptions } from '../context.js';
import { plannedHosts } from '../play.js';
import { VarsBuilder } from '../vars.js';
import { clusterRefOf } from './clusters.js';
import { readMembers } from './live.js';
import { createSafety } from './wire.js';

/** one host as identity resolution sees it */
export interface HostIdentity {
  host: string;
  node?: string;
  cluster?: string;
  via?: string;
  member?: boolean;
  /** why identity could not be established for a host that looks like a member */
  unknown?: string;
}

// Resolves the play hosts that name a cluster or a quorum group (others resolve at their first disruption).
export async function previewIdentities(playbook: Playbook, inventory: Inventory, options: RunOptions): Promise<HostIdentity[]> {
  const ctx = new RunContext(playbook, inventory, options);
  const vars = new VarsBuilder(ctx);
  ctx.quorumGroups = quorumGroups(inventory, playbook.dir);
  ctx.safety = createSafety(ctx, vars, async () => undefined);
  const hosts = new Set<string>();
  for (const { hosts: list } of plannedHosts(ctx, vars)) for (const h of list) if (clusterRefOf(vars.scope(undefined, h))) hosts.add(h);
  const out: HostIdentity[] = [];
  // only hosts of a cluster whose API answers are probed: no host is contacted for nothing
  for (const h of [...hosts]) {
    const ref = clusterRefOf(vars.scope(undefined, h));
    const ok = await Promise.resolve()
      .then(() => ctx.safety.clusters.open(ref ?? {}))
      .then((c) => ctx.safety.identities.clusterNodes(c))
      .then(() => true, (e: Error) => {
        out.push({ host: h, unknown: `not resolved now: the cluster API cannot be reached (${e.message}); resolved when the run starts` });
        return false;
      });
    if (!ok) hosts.delete(h);
  }
  try {
    await ctx.safety.resolveAll([...hosts]);
    for (const h of hosts) {
      const id = await ctx.safety.identities.resolve(h);
      const members = id.cluster ? await readMembers(id.cluster, ctx.safety.liveEnv()).catch(() => undefined) : undefined;
      out.push({ host: h, ...(id.node ? { node: id.node } : {}), ...(id.cluster ? { cluster: id.cluster.name } : {}), ...(id.via ? { via: id.via } : {}), ...(members && id.node ? { member: members.includes(id.node) } : {}), ...(id.unknownMember ? { unknown: id.unknownMember } : {}) });
    }
  } finally {
    await ctx.pool.closeAll();
  }
  return out;
}
