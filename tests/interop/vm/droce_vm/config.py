# SPDX-License-Identifier: BSD-3-Clause
"""Settings, names and small process helpers shared by the droce-vm commands.

Every setting has a default and an environment override (DROCE_VM_*), read once here.
"""

import os
import re
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_DIR = os.path.join(os.path.dirname(HERE), 'guest')

CACHE = os.environ.get('DROCE_VM_CACHE', '/var/cache/droce-vm')
RUN = os.path.join(CACHE, 'run')
NETNS = os.environ.get('DROCE_VM_NETNS', 'droce-vm')
MEM_MB = int(os.environ.get('DROCE_VM_MEM', '1024'))
# /dev/kvm may exist without being usable (see README): TCG unless asked otherwise.
ACCEL = os.environ.get('DROCE_VM_ACCEL', 'tcg')
BOOT_TIMEOUT = float(os.environ.get('DROCE_VM_BOOT_TIMEOUT', '300'))
APPEND_EXTRA = os.environ.get('DROCE_VM_APPEND', '')
SUITE = 'bookworm'
MIRROR = os.environ.get('DROCE_VM_MIRROR', '')
SECURITY_MIRROR = os.environ.get('DROCE_VM_SECURITY_MIRROR', '')

# The topology the interop scripts expect (tests/interop/vm_common.sh).
SUBNET = '192.168.77'
PREFIX = 24
HOST_IP = SUBNET + '.1'         # veth-host's kernel address with `net up --host-ip`
BRIDGE = 'vmbr0'
VETH_HOST = 'veth-host'         # droce's end (DPDK net_af_packet), user-space addresses
VETH_BR = 'veth-br'             # its peer, a bridge port: capture here to see droce's frames
MAX_VMS = 9


class Error(Exception):
    """A failure to report in one line (plus optional detail) and exit 1."""


def die(msg):
    print('droce-vm: ' + msg, file=sys.stderr)
    sys.exit(1)


def note(msg):
    print('droce-vm: ' + msg, file=sys.stderr, flush=True)


def vm_index(name):
    m = re.fullmatch(r'vm([1-9])', name)
    if m is None:
        raise Error('bad VM name %r: vm1 .. vm%d' % (name, MAX_VMS))
    return int(m.group(1))


def vm_ip(name):
    return '%s.%d' % (SUBNET, 10 + vm_index(name))


def vm_mac(name):
    return '52:54:00:77:00:%02x' % vm_index(name)


def vm_tap(name):
    return 'tap-' + name


def vm_hostid(name):
    """A stable NVMe host ID per VM, so a target's allow list can name its host NQN."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name + '.droce-vm.invalid'))


def vm_rundir(name):
    return os.path.join(RUN, name)


def run(cmd, check=True, capture=False, quiet=False, **kw):
    """Run a host command (a list); with capture, return its stdout as text."""
    if capture:
        kw.setdefault('stdout', subprocess.PIPE)
    if quiet:
        kw.setdefault('stdout', subprocess.DEVNULL)
        kw.setdefault('stderr', subprocess.DEVNULL)
    p = subprocess.run(cmd, text=True, **kw)
    if check and p.returncode != 0:
        raise Error('%s: exit status %d' % (' '.join(cmd), p.returncode))
    return p.stdout if capture else p.returncode


def nsrun(cmd, **kw):
    """run() inside the harness's network namespace."""
    return run(['ip', 'netns', 'exec', NETNS] + cmd, **kw)


def pid_alive(pid, marker):
    """True if process pid exists and its command line contains marker (guards against
    a recycled PID: only processes this harness started are ever signalled)."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read().replace(b'\0', b' ').decode(errors='replace')
    except OSError:
        return False
    return marker in cmdline


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def tail(path, n=30):
    try:
        with open(path, 'rb') as f:
            lines = f.read().decode(errors='replace').splitlines()
    except OSError:
        return '(no %s)' % path
    if not lines:
        return '(%s is empty)' % path
    return '\n'.join(lines[-n:])
