# SPDX-License-Identifier: BSD-3-Clause
"""droce_eal_init()/droce_eal_cleanup() and DPDK's runtime directories.

usage: eal_rundir.py <droce-info> <tmp dir>

DPDK 22.11 leaves /var/run/dpdk/<prefix>/ behind after rte_eal_cleanup(). droce-info
(droce_eal_init() with the default prefix droce-<pid>, then droce_eal_cleanup()) must:
- remove its own droce-<pid> directory when it exits;
- remove the droce-<pid> directory of a process that is gone (a killed run's);
- keep droce-<pid> of a live process, a name that is not droce-<number>, and a directory
  named with --eal --file-prefix (the caller's, not droce's).
Run as root (the runtime base is /var/run/dpdk). Prints 'N passed, M failed'.
"""
import os
import subprocess
import sys

INFO, TMP = sys.argv[1:3]
BASE = "/var/run/dpdk"


def fake(name):
    """A runtime directory with a file in it, as DPDK leaves them."""
    path = os.path.join(BASE, name)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "config"), "w") as f:
        f.write("x")
    return path


def remove(path):
    if os.path.isdir(path):
        for f in os.listdir(path):
            os.unlink(os.path.join(path, f))
        os.rmdir(path)


def info(extra, sock):
    """droce-info on its own memif port; returns (pid, exit status, output)."""
    p = subprocess.Popen([INFO, "--vdev", "net_memif0,role=server,socket=" + sock, "--ip",
                          "192.0.2.77/24"] + extra, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    out, _ = p.communicate(timeout=60)
    return p.pid, p.returncode, out


def main():
    os.makedirs(TMP, exist_ok=True)
    os.makedirs(BASE, exist_ok=True)
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = fake("droce-%d" % gone.pid)
    live = fake("droce-%d" % os.getpid())
    other = fake("droce-12abc")
    named = os.path.join(BASE, "droce-rundir-test-%d" % os.getpid())
    passed = failed = 0
    try:
        pid, rc, out = info([], os.path.join(TMP, "a.sock"))
        checks = [
            ("droce-info exits 0", rc == 0),
            ("its own droce-%d is removed at exit" % pid,
             not os.path.exists(os.path.join(BASE, "droce-%d" % pid))),
            ("a gone process's droce-%d is removed" % gone.pid, not os.path.exists(dead)),
            ("a live process's droce-%d is kept" % os.getpid(), os.path.isdir(live)),
            ("droce-12abc is kept", os.path.isdir(other)),
        ]
        pid, rc, out2 = info(["--eal", "--file-prefix=" + os.path.basename(named)],
                             os.path.join(TMP, "b.sock"))
        checks += [
            ("droce-info --eal --file-prefix exits 0", rc == 0),
            ("a directory named by --file-prefix is kept", os.path.isdir(named)),
            ("and no droce-%d was made" % pid,
             not os.path.exists(os.path.join(BASE, "droce-%d" % pid))),
        ]
        for what, ok in checks:
            print("%s %s" % ("ok  " if ok else "FAIL", what))
            passed += ok
            failed += not ok
        if failed:
            print(out[-2000:] + out2[-2000:])
    finally:
        for path in (dead, live, other, named):
            remove(path)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
