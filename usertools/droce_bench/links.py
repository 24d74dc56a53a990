# SPDX-License-Identifier: BSD-3-Clause
"""The links measured: net_memif between two processes; a veth pair between two network
namespaces driven by net_af_xdp, or net_af_packet where af_xdp cannot run. A link gives
each side's --vdev and the command line that runs a program on that side."""
import os
import subprocess

from .proc import BenchError, log, sh
from .raw import testpmd_probe

IPS = ("192.0.2.1", "192.0.2.2")        # side A, side B


class Memif:
    name, pmd, note = "memif", "net_memif", "two processes on one host"

    def __init__(self, lab):
        self.lab, self.ips = lab, IPS

    def vdev(self, side, run):
        sock = os.path.join(self.lab.tmp, "memif-%d.sock" % run)
        return "net_memif0,role=%s,socket=%s" % (("server", "client")[side], sock)

    def cmd(self, side, argv):
        return argv


def del_netns(ns):
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)


class Veth:
    """A veth pair, bench0 in namespace dbench-a-<pid> and in dbench-b-<pid>; the
    namespaces go at the lab's close()."""
    name = "veth"

    def __init__(self, lab, pmd):
        self.lab, self.pmd, self.ips, self.note = lab, pmd, IPS, ""
        tag = os.getpid() % 100000
        self.ns = ("dbench-a-%d" % os.getpid(), "dbench-b-%d" % os.getpid())
        a, b = "dbna%d" % tag, "dbnb%d" % tag
        for ns in self.ns:
            sh("ip", "netns", "add", ns)
            lab.at_close(del_netns, ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        for ns, dev in zip(self.ns, (a, b)):
            sh("ip", "link", "set", dev, "netns", ns)
            sh("ip", "-n", ns, "link", "set", dev, "name", "bench0")
            # DPDK owns the interface: keep the kernel from talking on it.
            sh("ip", "netns", "exec", ns, "sysctl", "-qw",
               "net.ipv6.conf.bench0.disable_ipv6=1")
            sh("ip", "-n", ns, "link", "set", "bench0", "up")

    def vdev(self, side, run):
        # busy_budget=0, as droce adds it for its own ports: testpmd then runs the link
        # the same way (with net_af_xdp's default, 64, an empty receive poll is a
        # recvfrom() that busy-polls in the kernel; rates are the same either way).
        extra = ",busy_budget=0" if self.pmd == "net_af_xdp" else ""
        return "%s0,iface=bench0%s" % (self.pmd, extra)

    def cmd(self, side, argv):
        pre = ["ip", "netns", "exec", self.ns[side]]
        if self.pmd == "net_af_xdp":
            # 'ip netns exec' mounts a fresh /sys: libxdp wants the BPF filesystem there.
            pre += ["sh", "-c", 'mount -t bpf bpf /sys/fs/bpf && exec "$@"', "sh"]
        return pre + argv


def veth_link(lab, cfg):
    """af_xdp if testpmd can open it here, af_packet otherwise (said in the output)."""
    want = cfg.veth_pmd
    link = Veth(lab, "net_af_xdp" if want in ("auto", "af_xdp") else "net_af_packet")
    if link.pmd == "net_af_xdp":
        why = testpmd_probe(lab, link, cfg.cpus[0])
        if why is not None:
            if want == "af_xdp":
                raise BenchError("net_af_xdp cannot run here: %s" % why)
            link.pmd = "net_af_packet"
            link.note = "net_af_xdp cannot run here (%s): fell back to net_af_packet" % why
            log("veth: " + link.note)
    return link


def open_link(lab, cfg, name):
    """Set up the link named (memif, veth); BenchError if it cannot be."""
    return Memif(lab) if name == "memif" else veth_link(lab, cfg)
