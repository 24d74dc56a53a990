# SPDX-License-Identifier: BSD-3-Clause
"""`droce-vm boot|stop|exec|wait|kill`: QEMU VMs and commands in them.

A VM is a QEMU process (TCG unless DROCE_VM_ACCEL=kvm) started inside the namespace with
-nodefaults: a virtio-net NIC on its tap, a virtio-serial port for qemu-ga, a QMP socket
to power it off, the serial console into a log. Its state is in RUN/<vm>/.

Commands run through the agent's guest-exec, wrapped as `setsid bash -c 'exec 2>&1; CMD'`:
stdout and stderr come back as one stream, and the command leads its own process group,
whose ID is the PID the agent reports, so `kill` reaches everything it started. A job ID
is "<vm>:<pid>".
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from . import config, image, net
from .config import Error, note
from .qga import Agent, AgentTimeout

POLL_MIN, POLL_MAX = 0.05, 0.5


class VM:
    def __init__(self, name):
        config.vm_index(name)
        self.name = name
        self.dir = config.vm_rundir(name)
        self.pidfile = os.path.join(self.dir, 'qemu.pid')
        self.console = os.path.join(self.dir, 'console.log')
        self.agent = Agent(self.dir)

    def pid(self):
        """QEMU's PID if it is running (and is the QEMU of this VM), else None."""
        pid = config.read_pid(self.pidfile)
        if pid is not None and config.pid_alive(pid, self.pidfile):
            return pid
        return None

    def qemu_cmd(self, mem):
        accel = config.ACCEL
        append = ['console=ttyS0', 'loglevel=4', 'panic=-1', 'mitigations=off',
                  'droce_vm.name=' + self.name,
                  'droce_vm.ip=%s/%d' % (config.vm_ip(self.name), config.PREFIX),
                  'droce_vm.hostid=' + config.vm_hostid(self.name)]
        if config.APPEND_EXTRA:
            append.append(config.APPEND_EXTRA)
        sock = os.path.join(self.dir, 'qga.sock')
        return [
            'qemu-system-x86_64', '-name', 'droce-vm-' + self.name, '-nodefaults',
            '-machine', 'q35,accel=' + accel, '-cpu', 'max' if accel == 'tcg' else 'host',
            '-smp', '1', '-m', str(mem), '-display', 'none', '-no-reboot',
            '-kernel', image.path('vmlinuz'), '-initrd', image.path('initrd.img'),
            '-append', ' '.join(append),
            '-serial', 'file:' + self.console,
            '-netdev', 'tap,id=n0,ifname=%s,script=no,downscript=no'
            % config.vm_tap(self.name),
            # romfile= : no PXE option ROM to load (nor to install: ipxe-qemu).
            '-device', 'virtio-net-pci,netdev=n0,mac=%s,romfile=' % config.vm_mac(self.name),
            '-device', 'virtio-rng-pci',
            '-device', 'virtio-serial-pci',
            '-chardev', 'socket,id=qga,path=%s,server=on,wait=off' % sock,
            '-device', 'virtserialport,chardev=qga,name=org.qemu.guest_agent.0',
            '-qmp', 'unix:%s,server=on,wait=off' % os.path.join(self.dir, 'qmp.sock'),
            '-pidfile', self.pidfile, '-daemonize',
        ]

    def start(self, mem):
        if self.pid() is not None:
            raise Error('%s is running (droce-vm stop %s first)' % (self.name, self.name))
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        net.add_tap(self.name)
        qlog = os.path.join(self.dir, 'qemu.log')
        with open(qlog, 'w') as log:
            rc = config.nsrun(self.qemu_cmd(mem), check=False, stdout=log, stderr=log,
                              stdin=subprocess.DEVNULL)
        if rc != 0 or self.pid() is None:
            net.del_tap(self.name)
            raise Error('%s: QEMU did not start (exit %d):\n%s'
                        % (self.name, rc, config.tail(qlog, 10)))
        self.t0 = time.monotonic()

    def wait_agent(self, deadline):
        """Wait until qemu-ga answers: the guest's init starts it last."""
        while True:
            if self.pid() is None:
                raise Error('%s: QEMU exited during boot; serial console:\n%s'
                            % (self.name, config.tail(self.console)))
            left = deadline - time.monotonic()
            if left <= 0:
                raise Error('%s: the guest agent did not answer within %.0f s of boot; '
                            'serial console (%s):\n%s'
                            % (self.name, config.BOOT_TIMEOUT, self.console,
                               config.tail(self.console)))
            if self.agent.ping(timeout=min(left, 5)):
                return time.monotonic() - self.t0
            time.sleep(0.5)

    def qmp_quit(self):
        path = os.path.join(self.dir, 'qmp.sock')
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(5)
                s.connect(path)
                f = s.makefile('rwb')
                f.readline()                               # the greeting
                for cmd in ('qmp_capabilities', 'quit'):
                    f.write(json.dumps({'execute': cmd}).encode() + b'\n')
                    f.flush()
                    f.readline()
        except OSError:
            pass

    def stop(self):
        pid = self.pid()
        if pid is not None:
            self.qmp_quit()
            for sig, wait in ((None, 10), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                if sig is not None and self.pid() is not None:
                    os.kill(pid, sig)
                deadline = time.monotonic() + wait
                while time.monotonic() < deadline and self.pid() is not None:
                    time.sleep(0.05)
                if self.pid() is None:
                    break
        net.del_tap(self.name)
        for f in ('qga.sock', 'qmp.sock', 'qemu.pid'):
            try:
                os.unlink(os.path.join(self.dir, f))
            except OSError:
                pass
        return pid is not None


def running():
    if not os.path.isdir(config.RUN):
        return []
    return [VM(n) for n in sorted(os.listdir(config.RUN))
            if n.startswith('vm') and n[2:].isdigit() and VM(n).pid() is not None]


def boot(names, mem):
    image.check_built()
    net.ensure_up()
    vms = [VM(n) for n in names]
    started = []
    try:
        for vm in vms:
            vm.start(mem)
            started.append(vm)
        deadline = time.monotonic() + config.BOOT_TIMEOUT
        for vm in vms:
            t = vm.wait_agent(deadline)
            print('%s: up in %.1f s: eth0 %s (%s), tap %s, console %s'
                  % (vm.name, t, config.vm_ip(vm.name), config.vm_mac(vm.name),
                     config.vm_tap(vm.name), vm.console))
    except (Error, KeyboardInterrupt):
        for vm in started:
            vm.stop()
        raise


def stop(names, everything):
    vms = running() if everything else [VM(n) for n in names]
    for vm in vms:
        if vm.stop():
            print('%s: stopped' % vm.name)


# --- commands in a VM -------------------------------------------------------------------

def job_id(vm, pid):
    return '%s:%d' % (vm.name, pid)


def parse_job(jid):
    name, _, pid = jid.partition(':')
    if not pid.isdigit():
        raise Error('bad job ID %r (want VM:PID, as `exec -b` prints)' % jid)
    return VM(name), int(pid)


def spawn(vm, cmd, script=None):
    if vm.pid() is None:
        raise Error('%s is not running' % vm.name)
    if script is not None:
        argv = ['/usr/bin/setsid', '/bin/bash', '-c', 'exec 2>&1; exec /bin/bash -s']
    else:
        argv = ['/usr/bin/setsid', '/bin/bash', '-c', 'exec 2>&1\n' + cmd]
    return vm.agent.spawn(argv, input_data=script)


def signal_job(vm, pid, sig='TERM'):
    """Signal the job's process group; the kill's own exit status."""
    kpid = vm.agent.spawn(['/bin/bash', '-c', 'kill -%s -- -%d' % (sig, pid)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        st = vm.agent.status(kpid)
        if st is not None:
            return st[0]
        time.sleep(POLL_MIN)
    return 1


def wait_job(vm, pid, timeout):
    """Wait for a job; print its output; return its exit status (128 + N if killed by
    signal N; 124 if it outlasted timeout and was killed)."""
    deadline = time.monotonic() + timeout
    poll = POLL_MIN
    killed = False
    while True:
        try:
            st = vm.agent.status(pid)
        except AgentTimeout:
            st = None
        if st is not None:
            rc, out, truncated = st
            sys.stdout.buffer.write(out)
            sys.stdout.flush()
            if truncated:
                note('%s: the agent truncated the output of job %d' % (vm.name, pid))
            if killed:
                note('%s: job %d ran past %.0f s: killed' % (vm.name, pid, timeout))
                return 124
            return rc
        if vm.pid() is None:
            raise Error('%s stopped while job %d ran' % (vm.name, pid))
        if time.monotonic() > deadline:
            if killed:
                raise Error('%s: job %d does not end after SIGKILL' % (vm.name, pid))
            signal_job(vm, pid, 'KILL')
            killed = True
            deadline = time.monotonic() + 30
        time.sleep(poll)
        poll = min(poll * 1.5, POLL_MAX)
