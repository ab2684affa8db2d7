// Module tests as data for the Ansible-compatibility modules: each case gives arguments and
// recorded command outputs and states the exact commands sent, the result and the diff.
// Check-mode cases must run no mutating command.
import { describe, expect, it } from 'vitest';
import type { ModuleDef } from '../../../engine/module.js';
import { runRecorded } from '../cluster/recorded-host.js';
import { loadYamlCases, puttingHost } from './host.js';
import pkg from '../../../modules/package.js';
import service from '../../../modules/service.js';
import serviceFacts from '../../../modules/service-facts.js';
import modprobe from '../../../modules/modprobe.js';
import aptrepositoryMod from '../../../modules/apt-repository.js';
import dpkgselectionsMod from '../../../modules/dpkg-selections.js';
import groupMod from '../../../modules/group.js';
import userMod from '../../../modules/user.js';
import cronMod from '../../../modules/cron.js';
import snapMod from '../../../modules/snap.js';
import getentMod from '../../../modules/getent.js';
import hostnameMod from '../../../modules/hostname.js';

const SUITES: [string, ModuleDef<any>][] = [
  ['package', pkg],
  ['service', service],
  ['service_facts', serviceFacts],
  ['modprobe', modprobe],
  ['apt_repository', aptrepositoryMod],
  ['dpkg_selections', dpkgselectionsMod],
  ['group', groupMod],
  ['user', userMod],
  ['cron', cronMod],
  ['snap', snapMod],
  ['getent', getentMod],
  ['hostname', hostnameMod],
];

for (const [name, mod] of SUITES) {
  describe(`${name} (recorded host)`, () => {
    for (const c of loadYamlCases(new URL(`./fixtures/${name}.yaml`, import.meta.url))) {
      it(c.name, async () => {
        const host = puttingHost(c.probe, c.apply);
        const { result } = await runRecorded(mod, host, c.args, { check: c.check ?? false, vars: c.vars ?? {} });
        expect(host.log).toEqual(c.expect.commands);
        expect(result['changed']).toBe(c.expect.changed);
        expect(result['failed'] === true, String(result['msg'])).toBe(c.expect.failed ?? false);
        if (c.expect.msg !== undefined) expect(result['msg']).toBe(c.expect.msg);
        if (c.expect.diff !== undefined) expect(result['diff']).toEqual(c.expect.diff);
        if (c.expect.result !== undefined) expect(result).toMatchObject(c.expect.result);
        if (c.check) expect(host.runs).toBe(0);
      });
    }
  });
}
