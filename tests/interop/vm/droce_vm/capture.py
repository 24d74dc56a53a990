# SPDX-License-Identifier: BSD-3-Clause
"""`droce-vm capture`: tcpdump in the namespace, in the background.

NAME is a pcap path when it holds a '/', else RUN/captures/NAME.pcap. tcpdump runs with
--immediate-mode and -U (without them the last second of frames is lost when it stops)
and -Z root (it would drop to user tcpdump, which cannot write into a caller's mktemp
directory).
"""

import hashlib
import os
import signal
import subprocess
import time

from . import config
from .config import Error


def pcap_path(name):
    if '/' in name:
        return os.path.abspath(name)
    return os.path.join(config.RUN, 'captures', name + '.pcap')


def state_path(pcap, ext):
    key = hashlib.sha1(pcap.encode()).hexdigest()[:16]
    return os.path.join(config.RUN, 'captures', key + ext)


def read_state(pidf):
    """(pid, pcap) of a capture's state file, (None, None) if there is none."""
    try:
        with open(pidf) as f:
            pid, pcap = f.read().split(None, 1)
        return int(pid), pcap.strip()
    except (OSError, ValueError):
        return None, None


def start(name, iface, count, words):
    pcap = pcap_path(name)
    os.makedirs(os.path.join(config.RUN, 'captures'), exist_ok=True)
    pidf, logf = state_path(pcap, '.pid'), state_path(pcap, '.log')
    pid, _ = read_state(pidf)
    if pid is not None and config.pid_alive(pid, pcap):
        raise Error('a capture into %s is running (pid %d)' % (pcap, pid))
    cmd = ['ip', 'netns', 'exec', config.NETNS, 'tcpdump', '-i', iface, '-n', '-U',
           '--immediate-mode', '-Z', 'root', '-w', pcap]
    if count:
        cmd += ['-c', str(count)]
    with open(logf, 'w') as log:
        p = subprocess.Popen(cmd + words, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             start_new_session=True)
    with open(pidf, 'w') as f:
        f.write('%d %s\n' % (p.pid, pcap))
    # tcpdump says "listening on" once its socket is bound: frames before are not seen.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise Error('tcpdump exited at once:\n' + config.tail(logf, 10))
        if 'listening on' in open(logf).read():
            print('capturing %s into %s (pid %d)' % (iface, pcap, p.pid))
            return
        time.sleep(0.1)
    raise Error('tcpdump did not start listening in 30 s:\n' + config.tail(logf, 10))


def stop(name):
    pcap = pcap_path(name)
    pidf, logf = state_path(pcap, '.pid'), state_path(pcap, '.log')
    pid, _ = read_state(pidf)
    if pid is None:
        raise Error('no capture into %s' % pcap)
    stop_pid(pid, pcap)
    os.unlink(pidf)
    print(config.tail(logf, 3))


def stop_pid(pid, marker):
    """SIGTERM (tcpdump flushes and exits), SIGKILL after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if not config.pid_alive(pid, marker):
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and config.pid_alive(pid, marker):
            time.sleep(0.05)


def stop_all():
    d = os.path.join(config.RUN, 'captures')
    if not os.path.isdir(d):
        return
    for f in os.listdir(d):
        if f.endswith('.pid'):
            pid, pcap = read_state(os.path.join(d, f))
            if pid is not None:
                stop_pid(pid, pcap)
            os.unlink(os.path.join(d, f))
