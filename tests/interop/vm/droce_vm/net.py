# SPDX-License-Identifier: BSD-3-Clause
"""`droce-vm net`: the private network the VMs and droce share.

  netns NETNS:  vmbr0 (bridge, no address, STP off)
                 +- veth-br  <-> veth-host   droce's end (DPDK net_af_packet); no kernel
                 |                           address unless `net up --host-ip`
                 +- tap-vm1  <-> QEMU vm1    192.168.77.11 in the guest
                 +- tap-vm2  ...

Every link lives in the namespace only (made there with `ip -n`), so no name clashes with
the host's links and no frame leaves it; IPv6 is off on the bridge side.
"""

import os

from . import config
from .config import run


def ip(*args, **kw):
    return run(['ip', '-n', config.NETNS] + list(args), **kw)


def exists():
    return os.path.exists('/run/netns/' + config.NETNS)


def link_exists(name):
    return ip('link', 'show', 'dev', name, check=False, quiet=True) == 0


def no_ipv6(dev):
    config.nsrun(['sysctl', '-qw', 'net.ipv6.conf.%s.disable_ipv6=1' % dev], check=False,
                 quiet=True)


def up(host_ip=False):
    """Create what is missing; veth-host gets 192.168.77.1/24 in the kernel with host_ip
    and no address otherwise."""
    if not exists():
        run(['ip', 'netns', 'add', config.NETNS])
    ip('link', 'set', 'lo', 'up')
    if not link_exists(config.BRIDGE):
        ip('link', 'add', config.BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay',
           '0')
    no_ipv6(config.BRIDGE)
    ip('link', 'set', config.BRIDGE, 'up')
    if not link_exists(config.VETH_HOST):
        ip('link', 'add', config.VETH_HOST, 'type', 'veth', 'peer', 'name', config.VETH_BR)
    for dev in (config.VETH_HOST, config.VETH_BR):
        no_ipv6(dev)
    ip('link', 'set', config.VETH_BR, 'master', config.BRIDGE, 'up')
    ip('link', 'set', config.VETH_HOST, 'up')
    ip('-4', 'addr', 'flush', 'dev', config.VETH_HOST)
    if host_ip:
        ip('addr', 'add', '%s/%d' % (config.HOST_IP, config.PREFIX), 'dev', config.VETH_HOST)
    print('netns %s: %s on bridge %s, %s' % (
        config.NETNS, config.VETH_HOST, config.BRIDGE,
        '%s/%d in the kernel' % (config.HOST_IP, config.PREFIX) if host_ip
        else 'no kernel address'))


def ensure_up():
    if not exists() or not link_exists(config.BRIDGE):
        up()


def down():
    if exists():
        run(['ip', 'netns', 'del', config.NETNS])


def status():
    if not exists():
        print('netns %s: absent' % config.NETNS)
        return
    print('netns %s:' % config.NETNS)
    print(ip('-br', 'addr', 'show', capture=True), end='')


def add_tap(name):
    """A tap for the VM, on the bridge, before QEMU opens it (QEMU runs in the netns)."""
    tap = config.vm_tap(name)
    if link_exists(tap):
        ip('link', 'del', tap)
    ip('tuntap', 'add', 'dev', tap, 'mode', 'tap')
    no_ipv6(tap)
    ip('link', 'set', tap, 'master', config.BRIDGE, 'up')
    return tap


def del_tap(name):
    if exists() and link_exists(config.vm_tap(name)):
        ip('link', 'del', config.vm_tap(name), check=False, quiet=True)

