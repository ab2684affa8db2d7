// The module registry: every module tsplay knows, listed explicitly (no directory scan).
import { createRegistry, type ModuleDef, type ModuleRegistry } from '../engine/module.js';
import { unimplementedModule } from './unimplemented.js';
import asyncStatus from './async-status.js';
import assert from './assert.js';
import blockinfile from './blockinfile.js';
import find from './find.js';
import replace from './replace.js';
import script from './script.js';
import slurp from './slurp.js';
import tempfile from './tempfile.js';
import command from './command.js';
import copy from './copy.js';
import debug from './debug.js';
import fail from './fail.js';
import file from './file.js';
import { importRole, importTasks, include, includeRole, includeTasks } from './includes.js';
import includeVars from './include-vars.js';
import { addHost, groupBy } from './add-host.js';
import lineinfile from './lineinfile.js';
import meta from './meta.js';
import pause from './pause.js';
import ping from './ping.js';
import raw from './raw.js';
import setFact from './set-fact.js';
import setup from './setup.js';
import shell from './shell.js';
import stat from './stat.js';
import template from './template.js';
import waitFor from './wait-for.js';
import apt from './apt.js';
import crictl from './crictl.js';
import journal from './journal.js';
import kubectl from './kubectl.js';
import systemd from './systemd.js';
import reboot from './reboot.js';
import waitForConnection from './wait-for-connection.js';
import pkg from './package.js';
import service from './service.js';
import serviceFacts from './service-facts.js';
import getUrl from './get-url.js';
import uri from './uri.js';
import fetch from './fetch.js';
import unarchive from './unarchive.js';
import sysctl from './sysctl.js';
import modprobe from './modprobe.js';
import mount from './mount.js';
import aptRepository from './apt-repository.js';
import aptKey from './apt-key.js';
import dpkgSelections from './dpkg-selections.js';
import user from './user.js';
import group from './group.js';
import hostname from './hostname.js';
import cron from './cron.js';
import getent from './getent.js';
import snap from './snap.js';
import pip from './pip.js';
import k8s from './k8s.js';
import k8sInfo from './k8s-info.js';
import k8sDrain from './k8s-drain.js';
import validateArgumentSpec from './validate-argument-spec.js';

export const MODULES: ModuleDef[] = [
  addHost, assert, blockinfile, command, copy, debug, fail, file, find, groupBy, importRole, importTasks, include, includeRole, includeTasks, includeVars,
  lineinfile, meta, pause, ping, raw, replace, script, setFact, setup, shell, slurp, stat, tempfile, template, waitFor,
  apt, crictl, journal, kubectl, systemd, reboot, waitForConnection,
  pkg, service, serviceFacts, getUrl, uri, fetch, unarchive, sysctl, modprobe, mount,
  aptRepository, aptKey, dpkgSelections, user, group, hostname, cron, getent, snap, pip,
  k8s, k8sInfo, k8sDrain, asyncStatus, validateArgumentSpec,
] as ModuleDef[];

// The registry the CLI passes to every stage of a run.
export function builtinModules(): ModuleRegistry {
  return createRegistry(MODULES, unimplementedModule);
}
