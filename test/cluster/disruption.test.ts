// The shell-line classifier: every way a careless playbook writes a disruptive command is caught
// (flags, sudo, env prefixes, chains, loops, -c scripts, substitutions, pkill), and commands that
// only read or merely mention a unit are not.
import { describe, expect, it } from 'vitest';
import { lineDisruptions } from '../../engine/cluster/disruption.js';
import { simpleCommands } from '../../engine/cluster/shell-line.js';

const kinds = (line: string) => lineDisruptions(line).map((d) => `${d.kind}${d.datastore ? '+ds' : ''}${d.apiNode ? '@' + d.apiNode : ''}`);

describe('simpleCommands', () => {
  it('splits on operators and keeps quoted text whole', () => {
    expect(simpleCommands(`a 'b c' "d $(e f) g" && h; i | j & k\nl`)).toEqual([['a', 'b c', 'd $(e f) g'], ['h'], ['i'], ['j'], ['k'], ['l'], ['e', 'f']]);
  });
  it('drops redirections and comments', () => {
    expect(simpleCommands('systemctl restart x >/dev/null 2>&1 # reboot')).toEqual([['systemctl', 'restart', 'x']]);
  });
});

describe('lineDisruptions', () => {
  const DQLITE = 'snap.microk8s.daemon-k8s-dqlite';
  it.each([
    [`systemctl restart ${DQLITE}`, ['service+ds']],
    [`systemctl -q restart ${DQLITE}`, ['service+ds']],
    [`systemctl restart -q ${DQLITE}`, ['service+ds']],
    [`systemctl --no-block stop k8s-dqlite.service`, ['service+ds']],
    [`sudo systemctl restart ${DQLITE}`, ['service+ds']],
    [`sudo -u root -E systemctl restart ${DQLITE}`, ['service+ds']],
    [`SYSTEMD_LOG_LEVEL=debug systemctl restart ${DQLITE}`, ['service+ds']],
    [`env -i PATH=/bin /usr/bin/systemctl restart etcd`, ['service+ds']],
    [`true && systemctl restart ${DQLITE} && systemctl restart snap.microk8s.daemon-kubelite`, ['service+ds', 'service']],
    [`cd /tmp; systemctl restart kubelet`, ['service']],
    [`for u in a b; do systemctl restart ${DQLITE}; done`, ['service+ds']],
    [`if true; then systemctl stop etcd; fi`, ['service+ds']],
    [`bash -c 'systemctl restart ${DQLITE}'`, ['service+ds']],
    [`sh -lc "sudo systemctl restart ${DQLITE}"`, ['service+ds']],
    [`nohup timeout 30 systemctl restart ${DQLITE} &`, ['service+ds']],
    [`$(which systemctl) restart ${DQLITE}`, ['service+ds']],
    [`service etcd restart`, ['service+ds']],
    [`snap restart microk8s`, ['service+ds']],
    [`snap restart microk8s.daemon-k8s-dqlite`, ['service+ds']],
    [`snap stop microk8s`, ['service+ds']],
    [`snap refresh microk8s --channel=1.30/stable`, ['packages+ds']],
    [`microk8s stop`, ['service+ds']],
    [`pkill -f k8s-dqlite`, ['service+ds']],
    [`killall -9 etcd`, ['service+ds']],
    [`kill -9 $(pidof k8s-dqlite)`, ['service+ds']],
    [`pkill kubelite`, ['service']],
    [`reboot`, ['reboot+ds']],
    [`/sbin/reboot -f`, ['reboot+ds']],
    [`sleep 2 && reboot`, ['reboot+ds']],
    [`shutdown -r now`, ['reboot+ds']],
    [`systemctl reboot`, ['reboot+ds']],
    [`poweroff`, ['reboot+ds']],
    [`init 6`, ['reboot+ds']],
    [`kubeadm upgrade apply -y v1.30.14`, ['upgrade+ds']],
    [`kubectl drain k8s02 --ignore-daemonsets --delete-emptydir-data`, ['drain@k8s02']],
    [`kubectl --context lab cordon node/k8s03`, ['cordon@k8s03']],
    [`microk8s kubectl drain k8s01`, ['drain@k8s01']],
    [`apt-get install -y kubelet=1.30.14-1.1`, ['packages']],
    [`DEBIAN_FRONTEND=noninteractive apt-get -y install etcd`, ['packages+ds']],
    [`crictl rmp -fa`, ['sandboxes']],
  ])('%s', (line, expected) => {
    expect(kinds(line)).toEqual(expected);
  });

  it.each([
    `systemctl status ${DQLITE}`,
    `systemctl is-active ${DQLITE}`,
    `journalctl -u ${DQLITE} --since -10m | grep -c 'database is locked'`,
    `echo systemctl restart ${DQLITE}`,
    `grep reboot /var/log/syslog`,
    `shutdown -c`,
    `systemctl restart nginx`,
    `apt-get install -y nginx`,
    `apt-get upgrade -y`,
    `kubectl get nodes`,
    `kubectl uncordon k8s01`,
    `ls /snap/microk8s`,
    `cat /proc/sys/kernel/random/boot_id`,
    `crictl pods`,
  ])('not disruptive: %s', (line) => {
    expect(lineDisruptions(line)).toEqual([]);
  });

  it('stays bounded on deeply nested or huge input', () => {
    expect(lineDisruptions('$('.repeat(5000) + 'reboot' + ')'.repeat(5000))).toEqual([]);
    expect(lineDisruptions('x '.repeat(200_000)).length).toBe(0);
  });
});
