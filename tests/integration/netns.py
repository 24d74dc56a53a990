# SPDX-License-Identifier: BSD-3-Clause
"""Network namespaces, veth pairs and droce processes for integration tests.

Every name carries this process's PID so that parallel test runs never meet, and
everything made here is removed again by Lab.close() (also on failure).
"""
import os
import re
import signal
import subprocess
import time


def sh(*args, check=True, **kw):
    """Run a command; return CompletedProcess with text output."""
    return subprocess.run(list(args), check=check, text=True, capture_output=True, **kw)


class Proc:
    """A background process whose stdout is collected line by line into a file."""

    def __init__(self, argv, log):
        self.log = log
        self.out = open(log, "w+")
        self.p = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT, text=True)

    def text(self):
        with open(self.log) as f:
            return f.read()

    def wait_for(self, pattern, timeout=20):
        """Wait until the output matches pattern; returns the match."""
        end = time.time() + timeout
        while time.time() < end:
            m = re.search(pattern, self.text(), re.M)
            if m:
                return m
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("no /%s/ in output of %s:\n%s" % (pattern, self.p.args, self.text()))

    def stop(self, timeout=15):
        """SIGTERM (it prints its report on the way out) and return the exit code."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise AssertionError("%s did not exit on SIGTERM" % (self.p.args,))


def counters(report):
    """Counters from droce_port_dump() output: {name: value}."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^  ([a-z0-9_]+) +(\d+)$", report, re.M)}


class Lab:
    """Namespaces and veth pairs; each pair has a droce end and a kernel end."""

    def __init__(self, tag):
        self.tag = "%s%d" % (tag, os.getpid())
        self.netns = []
        self.procs = []
        self.n = 0

    def ns(self, suffix):
        name = "%s-%s" % (self.tag, suffix)
        sh("ip", "netns", "add", name)
        self.netns.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")
        return name

    def veth(self, droce_ns, kern_ns, droce_if="droce0", kern_if="kern0"):
        """A veth pair: droce_if in droce_ns (no kernel addresses), kern_if in kern_ns."""
        self.n += 1
        tag = "dv%d%%s%d" % (self.n, os.getpid() % 100000)   # under 16 characters
        a, b = tag % "a", tag % "b"
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        sh("ip", "link", "set", a, "netns", droce_ns)
        sh("ip", "link", "set", b, "netns", kern_ns)
        sh("ip", "-n", droce_ns, "link", "set", a, "name", droce_if)
        sh("ip", "-n", kern_ns, "link", "set", b, "name", kern_if)
        # The droce end belongs to DPDK: keep the kernel from talking on it.
        sh("ip", "netns", "exec", droce_ns, "sysctl", "-qw",
           "net.ipv6.conf.%s.disable_ipv6=1" % droce_if)
        sh("ip", "-n", droce_ns, "link", "set", droce_if, "up")
        sh("ip", "-n", kern_ns, "link", "set", kern_if, "up")

    def kernel_addr(self, ns, ifname, addr):
        extra = ["nodad"] if ":" in addr else []
        sh("ip", "-n", ns, "addr", "add", addr, "dev", ifname, *extra)

    def mac(self, ns, ifname):
        out = sh("ip", "-n", ns, "-o", "link", "show", ifname).stdout
        return re.search(r"link/ether ([0-9a-f:]{17})", out).group(1)

    def run(self, ns, argv, log):
        cmd = (["ip", "netns", "exec", ns] if ns else []) + argv
        p = Proc(cmd, log)
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            if p.p.poll() is None:
                p.p.kill()
                p.p.wait()
        for name in self.netns:
            sh("ip", "netns", "del", name, check=False)
