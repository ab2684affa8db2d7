// Datastore membership and quorum: dqlite voters/stand-bys/spares (microk8s) or etcd members
// (kubeadm), which members are up, who leads, and when API writes fail for lack of quorum.
import type { Datastore } from './types.js';

// dqlite roles (0 voter, 1 stand-by, 2 spare); etcd members are voters.
export type MemberRole = 'voter' | 'standby' | 'spare';

// One datastore member.
export interface Member {
  node: string;
  id: string;
  address: string;
  role: MemberRole;
  up: boolean;
}

// What a membership change did, for the journals.
export interface QuorumChange {
  lost: boolean;
  regained: boolean;
  leaderChanged?: { from: string | undefined; to: string | undefined };
}

// The datastore of the lab.
export class DatastoreSim {
  readonly members: Member[];
  leader: string | undefined;
  // When quorum was lost (undefined while it holds).
  lostAt: number | undefined;
  // API writes fail until this time (quorum loss plus the recovery window).
  writesFailUntil = 0;
  // The raft term: one more for every leader elected.
  term = 3;

  constructor(readonly kind: Datastore, nodes: { name: string; ip: string; role: 'control-plane' | 'worker' }[]) {
    const cps = nodes.filter((n) => kind === 'dqlite' || n.role === 'control-plane');
    // dqlite: three voters (one with two nodes), then a stand-by and spares; etcd: every member votes.
    const voters = kind === 'etcd' ? cps.length : cps.length === 2 ? 1 : Math.min(3, cps.length);
    this.members = cps.map((n, i) => ({
      node: n.name,
      id: kind === 'dqlite' ? String(3297041220608546238n + BigInt(i) * 1177359734281n) : (0x8e9e05c52164694dn + BigInt(i) * 0x1000n).toString(16),
      address: kind === 'dqlite' ? `${n.ip}:19001` : `https://${n.ip}:2380`,
      role: i < voters ? 'voter' : i === voters ? 'standby' : 'spare',
      up: true,
    }));
    this.leader = this.members[0]?.node;
  }

  // The member on a node, if the node is one.
  member(node: string): Member | undefined {
    return this.members.find((m) => m.node === node);
  }

  // The voters.
  voters(): Member[] {
    return this.members.filter((m) => m.role === 'voter');
  }

  // Whether a majority of voters is up.
  hasQuorum(): boolean {
    const v = this.voters();
    return v.filter((m) => m.up).length * 2 > v.length;
  }

  // Whether API writes fail now (no quorum, or still recovering from a loss).
  writesFailing(now = Date.now()): boolean {
    return !this.hasQuorum() || now < this.writesFailUntil;
  }

  // Mark a member up or down; a graceful stop of the leader hands leadership to an up voter at once.
  setUp(node: string, up: boolean, recoveryMs: number, now = Date.now()): QuorumChange {
    const m = this.member(node);
    const before = this.hasQuorum();
    const from = this.leader;
    if (m) m.up = up;
    const after = this.hasQuorum();
    if (!after) {
      this.leader = undefined;
      this.lostAt ??= now;
    } else if (!this.leader || !this.member(this.leader)?.up) {
      this.leader = this.voters().find((v) => v.up)?.node;
    }
    if (before && !after) this.writesFailUntil = Number.POSITIVE_INFINITY;
    if (!before && after) {
      this.lostAt = undefined;
      this.writesFailUntil = now + recoveryMs;
    }
    const change: QuorumChange = { lost: before && !after, regained: !before && after };
    if (from !== this.leader) change.leaderChanged = { from, to: this.leader };
    if (this.leader && from !== this.leader) this.term++;
    return change;
  }

  // Leadership moves to the next up voter (a leader election without a member going away); undefined
  // when no other voter is up or there is no quorum.
  rotateLeader(): { from: string; to: string } | undefined {
    const up = this.voters().filter((v) => v.up);
    const from = this.leader;
    if (!from || !this.hasQuorum() || up.length < 2) return undefined;
    const at = up.findIndex((v) => v.node === from);
    const to = up[(at + 1) % up.length]?.node;
    if (!to || to === from) return undefined;
    this.leader = to;
    this.term++;
    return { from, to };
  }

  // The role text `lab status` shows for a node.
  roleText(node: string): string {
    const m = this.member(node);
    if (!m) return '-';
    const role = this.kind === 'etcd' ? 'member' : m.role;
    return `${role}${this.leader === node ? ' (leader)' : ''}${m.up ? '' : ' (down)'}`;
  }
}
