# SPDX-License-Identifier: BSD-3-Clause
"""The raw link: dpdk-testpmd txonly on side A, rxonly on side B, the rates received."""
import re
import signal
import subprocess
import time

from .proc import BenchError, log, stop
from .records import RawRate


def testpmd_argv(lab, link, side, run, cpu, args):
    # stdbuf: testpmd's stats are stdio, fully buffered into a file otherwise.
    return link.cmd(side, ["stdbuf", "-oL", "dpdk-testpmd", "--lcores", "0@%d,1@%d" % (cpu, cpu),
                           "--no-huge", "-m", "1024", "--no-pci",
                           "--file-prefix=%s-%d-%d" % (lab.prefix, run, side),
                           "--vdev", link.vdev(side, run), "--", "-i", "--nb-cores=1",
                           "--total-num-mbufs=16384"] + args)


def tp_cmd(p, line):
    """A line to testpmd's prompt."""
    p.stdin.write(line + "\n")
    p.stdin.flush()


def show_stats(lab, p):
    """'show port stats 0'; returns (RX-packets, Rx-pps, Rx-bps) of the new block."""
    before = lab.text(p).count("Rx-pps:")
    tp_cmd(p, "show port stats 0")
    # testpmd's prompt thread shares its CPU with the busy-polling forwarding lcore: on a
    # host busy with other work it can take seconds to be scheduled (5 s was seen to pass).
    end = time.time() + 30
    while time.time() < end:
        t = lab.text(p)
        if t.count("Rx-pps:") > before:
            rx = re.findall(r"RX-packets:\s+(\d+)", t)[-1]
            pps, bps = re.findall(r"Rx-pps:\s+(\d+)\s+Rx-bps:\s+(\d+)", t)[-1]
            return int(rx), int(pps), int(bps)
        time.sleep(0.02)
    raise BenchError("testpmd did not show its stats (see %s)" % p.log)


def testpmd_probe(lab, link, cpu):
    """Can testpmd open this link's port? Returns None or the reason it cannot."""
    p = lab.spawn(testpmd_argv(lab, link, 0, 0, cpu, []), "probe-%s" % link.pmd, True)
    try:
        lab.wait_for(p, r"^Port 0: ", 20)
        tp_cmd(p, "quit")
        p.wait(10)
        return None
    except (BenchError, subprocess.TimeoutExpired):
        stop(p, signal.SIGKILL)
        t = lab.text(p)
        why = [ln for ln in t.splitlines() if re.search(r"error|fail|cannot", ln, re.I)]
        return (why[-1].strip() if why else "testpmd could not start the port")


def raw_rates(lab, link, cpus, frames, run, secs, window=None):
    """testpmd txonly on side A (CPU cpus[0]), rxonly on side B (cpus[1]), one pair for
    every frame size (set txpkts between runs); {frame: RawRate} received over secs for
    each size, or over window(txonly process, frame) where one is given, which takes secs
    (--profile: perf on the sender)."""
    tx = lab.spawn(testpmd_argv(lab, link, 0, run, cpus[0],
                                ["--forward-mode=txonly", "--txpkts=%d" % frames[0]]),
                   "testpmd-%s-tx" % link.name, True)
    rx = None
    try:
        lab.wait_for(tx, r"^testpmd> ", 30)
        rx = lab.spawn(testpmd_argv(lab, link, 1, run, cpus[1], ["--forward-mode=rxonly"]),
                       "testpmd-%s-rx" % link.name, True)
        lab.wait_for(rx, r"^testpmd> ", 30)
        tp_cmd(rx, "start")
        out = {}
        for frame in frames:
            tp_cmd(tx, "set txpkts %d" % frame)
            tp_cmd(tx, "start")
            # The link comes up a moment after the first start: wait for packets to flow.
            end, last = time.time() + 15, show_stats(lab, rx)[0]
            while True:
                time.sleep(0.1)
                n = show_stats(lab, rx)[0]
                if n > last:
                    break
                if time.time() > end:
                    raise BenchError("no packets reached testpmd rxonly on %s" % link.name)
            time.sleep(0.2)
            show_stats(lab, rx)                 # baseline: the next block covers secs
            if window is None:
                time.sleep(secs)
            else:
                window(tx, frame)
            _, pps, bps = show_stats(lab, rx)
            tp_cmd(tx, "stop")
            if pps == 0:
                raise BenchError("testpmd rxonly saw 0 packets/s on %s" % link.name)
            out[frame] = RawRate(frame, pps, bps / 8.0, secs)
            log("  testpmd %4d B frames: %.3f Mpps, %.1f MB/s" % (frame, pps / 1e6,
                                                                bps / 8.0 / 1e6))
            time.sleep(0.2)
        for p in (tx, rx):
            tp_cmd(p, "stop")
            tp_cmd(p, "quit")
        for p in (tx, rx):
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                stop(p)
        return out
    finally:
        for p in (tx, rx):
            if p is not None and p.poll() is None:
                stop(p, signal.SIGINT)
