// Builds the variable scope of a task on a host, with Ansible's precedence (lowest first):
// role defaults, inventory (group then host vars), facts, play vars, vars_files, role vars,
// block/task vars, include_vars, set_fact/register, role params, extra vars, loop vars;
// plus the magic variables (inventory_hostname, groups, hostvars, ansible_play_batch, ...).
import { basename, dirname } from 'node:path';
import { groupNamesOf, groupsMagicVar, hostVars } from '../inventory/index.js';
import type { Play, RoleScope, Task, Vars } from '../load/model.js';
import { includeParams, inherited, nestedVars } from '../load/inherit.js';
import { templateValue } from '../expr/index.js';
import { scopeObject, VarScope, type Layer } from './scope.js';
import type { RunContext } from './context.js';

export const OMIT = '__omit_place_holder__tsplay';

/** what changes while a play runs: the hosts of the play and of the current batch */
export interface PlayRuntime {
  play: Play;
  allHosts: string[];
  /** every host the play's pattern matched, including hosts that failed in earlier plays */
  patternHosts: string[];
  batch: string[];
  varsFiles: Vars;
  /** failed hosts still run their notified handlers: the play's force_handlers, else --force-handlers */
  forceHandlers?: boolean;
  /** role identity → the hosts that ran it in this play (a role runs once per host and play) */
  rolesRun?: Map<string, Set<string>>;
}

export class VarsBuilder {
  private inv = new Map<string, Vars>();
  private groups: Record<string, string[]> | undefined;

  constructor(private readonly ctx: RunContext) {}

  // Inventory variables of a host (group and host vars merged), cached.
  inventoryVars(host: string): Vars {
    let v = this.inv.get(host);
    if (!v) {
      v = hostVars(this.ctx.inventory, host, { playbookDir: this.ctx.playbook.dir });
      this.inv.set(host, v);
    }
    return v;
  }

  // Forgets cached inventory views after add_host / group_by.
  inventoryChanged(): void {
    this.inv.clear();
    this.groups = undefined;
  }

  private groupsVar(): Record<string, string[]> {
    this.groups ??= groupsMagicVar(this.ctx.inventory);
    return this.groups;
  }

  // The scope of `task` on `host` (task undefined: play level), with optional extra layers on top.
  scope(rt: PlayRuntime | undefined, host: string, task?: Task, extra: Layer[] = []): VarScope {
    const h = this.ctx.host(host);
    const play = rt?.play;
    const roles = play?.allRoles ?? [];
    const own = task?.role ? roleChain(task.role) : [];
    const layers: Layer[] = [
      { name: 'role defaults', vars: Object.assign({}, ...roles.map((r) => r.defaults), ...own.map((r) => r.defaults)) },
      { name: 'inventory', vars: this.inventoryVars(host) },
      { name: 'facts', vars: injectFacts(h.facts) },
    ];
    if (play) {
      layers.push({ name: 'play vars', vars: play.vars }, { name: 'vars_files', vars: rt?.varsFiles ?? {} });
      layers.push({ name: 'role vars', vars: Object.assign({}, ...roles.map((r) => r.vars), ...own.map((r) => r.vars)) });
    }
    if (task) for (const v of nestedVars(task)) layers.push({ name: 'block/task vars', vars: v });
    layers.push({ name: 'include_vars', vars: h.includeVars }, { name: 'set_fact/register', vars: h.hostVars });
    if (task?.role) layers.push({ name: 'role params', vars: task.role.params });
    if (task) for (const v of includeParams(task)) layers.push({ name: 'include params', vars: v });
    layers.push({ name: 'extra vars', vars: this.ctx.options.extraVars }, { name: 'rescue', vars: h.rescueVars }, ...extra);
    let self: VarScope;
    const magic = this.magic(rt, host, task, () => self);
    self = new VarScope(layers, magic);
    return self;
  }

  private magic(rt: PlayRuntime | undefined, host: string, task: Task | undefined, self: () => VarScope): (name: string) => unknown {
    const o = this.ctx.options;
    const live = (names: string[]) => names.filter((n) => { const h = this.ctx.host(n); return h.live && !(h.failure && !h.failure.handledBy); });
    return (name) => {
      switch (name) {
        case 'inventory_hostname':
          return host;
        case 'inventory_hostname_short':
          return host.split('.')[0];
        case 'group_names':
          return this.ctx.inventory.hosts.has(host) ? groupNamesOf(this.ctx.inventory, host) : [];
        case 'groups':
          return this.groupsVar();
        case 'hostvars':
          return this.hostvars(rt);
        case 'vars':
          return scopeObject(self);
        case 'ansible_facts':
          return this.ctx.host(host).facts;
        case 'play_hosts':
        case 'ansible_play_batch':
          return rt ? live(rt.batch) : [];
        case 'ansible_play_hosts':
          return rt ? live(rt.allHosts) : [];
        case 'ansible_play_hosts_all':
          return rt ? rt.patternHosts : [];
        case 'ansible_play_name':
          return rt?.play.name;
        case 'playbook_dir':
          return this.ctx.playbook.dir;
        case 'role_name':
          return task?.role?.name;
        case 'role_path':
          return task?.role?.path;
        case 'ansible_role_names':
          return rt ? [...new Set(rt.play.allRoles.map((r) => r.name))] : [];
        // the roles the play names itself, and those only reached as dependencies
        case 'role_names':
        case 'ansible_play_role_names':
          return rt ? [...new Set(rt.play.allRoles.filter((r) => !r.dependency).map((r) => r.name))] : [];
        case 'ansible_dependent_role_names':
          return rt ? [...new Set(rt.play.allRoles.filter((r) => r.dependency).map((r) => r.name))] : [];
        // the roles whose include_role / import_role reached this task's role, nearest first
        case 'ansible_parent_role_names':
        case 'ansible_parent_role_paths': {
          const chain = task?.role ? parentRoles(task.role) : [];
          if (chain.length === 0) return undefined;
          return chain.map((r) => (name === 'ansible_parent_role_names' ? r.name : r.path));
        }
        // where a task's files are looked up: its roles' paths, then its own file's folder
        case 'ansible_search_path':
          return task ? [...new Set([...(task.role ? [task.role.path] : []), dirname(task.file)])] : undefined;
        case 'ansible_check_mode':
          return o.check;
        case 'ansible_diff_mode':
          return o.diff;
        case 'ansible_forks':
          return o.forks;
        case 'ansible_run_tags':
          return o.tags.only.length ? o.tags.only : ['all'];
        case 'ansible_skip_tags':
          return o.tags.skip;
        case 'ansible_limit':
          return o.limit;
        case 'ansible_verbosity':
          return o.verbosity;
        case 'omit':
          return OMIT;
        case 'ansible_version':
          return { full: '2.14.18', major: 2, minor: 14, revision: 18, string: '2.14.18 (tsplay)' };
        case 'ansible_playbook_python':
          return '/usr/bin/python3';
        case 'playbook_file':
          return basename(this.ctx.playbook.file);
        case 'tsplay_run_id':
          return this.ctx.runId;
        // a delegated task: the delegated host's variables by its name, with the task's own
        // inventory_hostname (ansible-core's VariableManager._get_delegated_vars)
        case 'ansible_delegated_vars': {
          const raw = task ? inherited(task, 'delegate_to') : undefined;
          if (raw === undefined || raw === null) return undefined;
          const target = String(templateValue(raw, self()));
          const known = this.ctx.inventory.hosts.has(target) || this.ctx.hosts.has(target);
          const theirs = (known ? this.hostvars(rt)[target] : { ansible_host: target }) as Vars;
          return { [target]: new Proxy(theirs, { get: (t, k) => (k === 'inventory_hostname' ? host : Reflect.get(t, k)) }) };
        }
        case 'ansible_host':
        case 'ansible_ssh_host': {
          // ansible-core adds the connection's address to a task's variables (PlayContext.update_vars)
          if (!task || self().raw(name)) return undefined;
          const other = name === 'ansible_host' ? 'ansible_ssh_host' : 'ansible_host';
          return self().raw(other) ? self().get(other) : host;
        }
        default:
          return undefined;
      }
    };
  }

  // `hostvars`: every inventory host's variables (no play or task vars), lazily.
  private hostvars(rt: PlayRuntime | undefined): Vars {
    const names = () => [...this.ctx.inventory.hosts.keys()];
    const cache = new Map<string, Vars>();
    const proxy: Vars = new Proxy({} as Vars, {
      get: (_t, key) => {
        if (typeof key !== 'string') return undefined;
        if (!this.ctx.inventory.hosts.has(key) && !this.ctx.hosts.has(key)) return undefined;
        let v = cache.get(key);
        if (!v) {
          const sc = this.scope(rt ? { ...rt, play: { ...rt.play, vars: {}, allRoles: [] } } : undefined, key);
          sc.lenient = true;
          v = scopeObject(() => sc, () => ['inventory_hostname', 'group_names', 'ansible_facts', 'inventory_hostname_short']);
          cache.set(key, v);
        }
        return v;
      },
      has: (_t, key) => typeof key === 'string' && (this.ctx.inventory.hosts.has(key) || this.ctx.hosts.has(key)),
      ownKeys: () => names(),
      getOwnPropertyDescriptor: (_t, key) => (typeof key === 'string' && this.ctx.inventory.hosts.has(key) ? { enumerable: true, configurable: true, value: proxy[key] } : undefined),
    });
    return proxy;
  }
}

// A role and the roles it was included from (dependencies see their parents' params).
function roleChain(role: RoleScope): RoleScope[] {
  return [role];
}

// The roles that included or imported `role` (not as a dependency), nearest first (bounded by the
// depth roles can nest at load).
function parentRoles(role: RoleScope, depth = 0): RoleScope[] {
  if (role.dependency || depth > 64) return [];
  for (let p = role.parent; p; p = p.kind === 'play' ? undefined : p.parent) {
    const owner = p.kind === 'block' ? p.role : p.kind === 'role' ? p : undefined;
    if (owner && owner !== role) return [owner, ...parentRoles(owner, depth + 1)];
  }
  return [];
}

// Facts are also visible as top-level `ansible_<name>` variables.
function injectFacts(facts: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
  return out;
}
