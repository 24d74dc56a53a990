# SPDX-License-Identifier: BSD-3-Clause
"""Processes and their logs, and what is torn down at the end (droce-bench, droce-instr)."""
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time


class BenchError(Exception):
    """A measurement that could not be taken (the run goes on, exit status 2)."""


def log(msg):
    print(msg, flush=True)


def read_text(path):
    with open(path, errors="replace") as f:
        return f.read()


def wait_text(path, pattern, proc, timeout):
    """Wait for pattern (a multi-line regex) in the file path that process proc writes;
    False if proc ended or timeout seconds passed first."""
    end = time.time() + timeout
    while time.time() < end:
        if re.search(pattern, read_text(path), re.M):
            return True
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    return False


def stop(p, sig=signal.SIGTERM, timeout=10):
    """Signal p if it still runs and reap it, killing it after timeout seconds."""
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


def sh(*argv):
    """Run a set-up command; its output, or BenchError."""
    r = subprocess.run(list(argv), capture_output=True, text=True)
    if r.returncode != 0:
        raise BenchError("'%s' failed: %s" % (" ".join(argv), (r.stderr or r.stdout).strip()))
    return r.stdout


class Lab:
    """Everything started here: processes (killed by PID), their logs in outdir/logs,
    temp files, and what the links set up (torn down by close())."""

    def __init__(self, outdir):
        self.prefix = "dbench-%d" % os.getpid()     # temp dir, DPDK file prefixes
        self.procs, self.teardown = [], []
        self.tmp = tempfile.mkdtemp(prefix=self.prefix + "-")
        self.logdir = os.path.join(outdir, "logs")
        os.makedirs(self.logdir, exist_ok=True)
        self.n = 0

    def log_path(self, name, ext="log"):
        """The next numbered file in the logs: logs/NN-name.ext."""
        self.n += 1
        return os.path.join(self.logdir, "%02d-%s.%s" % (self.n, name, ext))

    def spawn(self, argv, name, stdin=False):
        """Start argv, its output into logs/NN-name.log (p.log); stdin a pipe if asked."""
        path = self.log_path(name)
        with open(path, "w") as f:
            p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, text=True,
                                 stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
        p.log = path
        self.procs.append(p)
        return p

    @staticmethod
    def text(p):
        return read_text(p.log)

    def wait_for(self, p, pattern, timeout):
        if not wait_text(p.log, pattern, p, timeout):
            raise BenchError("no '%s' from %s (see %s)" % (pattern, p.args[0], p.log))

    def at_close(self, fn, *args):
        """Call fn(*args) at close(), after the processes are gone."""
        self.teardown.append((fn, args))

    def close(self):
        for p in self.procs:
            stop(p, signal.SIGKILL)
        for fn, args in self.teardown:
            fn(*args)
        shutil.rmtree(self.tmp, ignore_errors=True)
        # testpmd's runtime directories (DPDK 22.11 leaves them, 12 MiB of tmpfs each).
        for d in glob.glob("/var/run/dpdk/%s-*" % self.prefix):
            shutil.rmtree(d, ignore_errors=True)
