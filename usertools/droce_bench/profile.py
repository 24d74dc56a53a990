# SPDX-License-Identifier: BSD-3-Clause
"""--profile: the senders under perf record, their CPU time a packet by where it went, the
ceiling that sets on droce's ratio and the bounds on the rate goals."""
import os
import re
import subprocess
import time

from .proc import BenchError
from .raw import raw_rates
from .records import (BIG_FRAME, ROCE_FRAME, WRITE_FRAME, Profile, ProfileLat, ProfileRow)
from .runs import perf_run
from .stats import METRICS

PROFILE_HZ = 2000
PROFILE_SECS = 3
# (droce-perf test, message size, the raw frame its packets are): 64 KiB is 64 packets.
PROFILE_CASES = (("write_bw", 64, WRITE_FRAME), ("write_bw", 65536, ROCE_FRAME))
# Where a sample's time went, by the object it fell in (the first match; else "other").
PROFILE_GROUPS = (("PMD", ("librte_net_",)), ("kernel", ("[kernel", "[vdso")),
                  ("ICRC", ("libisal",)),
                  ("mbufs", ("librte_mempool", "librte_mbuf", "librte_ring")),
                  ("droce", ("libdroce",)), ("libc", ("libc.so",)),
                  ("app", ("droce-perf", "dpdk-testpmd")))
PROFILE_COLS = [g for g, _ in PROFILE_GROUPS] + ["other"]
# What droce cannot do without on a link: the PMD's work (sending, and receiving the ACKs)
# and the ICRC; on veth also the kernel's, which carries each packet (net_af_xdp's
# sendto()). (On memif the kernel's samples are -e's waits, with --engine-lcore.)
PROFILE_FLOOR = ("PMD", "ICRC")


def profile_floor_names(link_name):
    return PROFILE_FLOOR + (("kernel",) if link_name == "veth" else ())


def perf_profile(lab, procs, secs, name):
    """perf record of processes procs (all their threads) for secs; the samples by group,
    and "total". The report goes to the logs."""
    data = os.path.join(lab.tmp, name + ".data")
    r = subprocess.run(["perf", "record", "-q", "-F", str(PROFILE_HZ), "-o", data, "-p",
                        ",".join(str(p.pid) for p in procs), "--", "sleep", str(secs)],
                       capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(data):
        raise BenchError("perf record of %s: exit %d: %s" %
                         (name, r.returncode, (r.stderr or "").strip()[-200:]))
    r = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso", "-n",
                        "--stdio", "-q"], capture_output=True, text=True)
    with open(lab.log_path("perf-" + name, "txt"), "w") as f:
        f.write(r.stdout + r.stderr)
    out = dict.fromkeys(PROFILE_COLS + ["total"], 0)
    for m in re.finditer(r"^\s*[\d.]+%\s+(\d+)\s+(\S.*?)\s*$", r.stdout, re.M):
        n, dso = int(m.group(1)), m.group(2)
        out[next((g for g, pre in PROFILE_GROUPS if dso.startswith(pre)), "other")] += n
        out["total"] += n
    if out["total"] == 0:
        raise BenchError("perf recorded no samples of %s" % name)
    return out


def per_event_ns(samples, rate):
    """ns of CPU, per group and "total", of each of rate events a second over a profile
    window."""
    return {g: samples[g] / PROFILE_HZ / PROFILE_SECS / rate * 1e9
            for g in PROFILE_COLS + ["total"]}


def profile_link(lab, link, cfg, run):
    """--profile: the sending process of the raw link and of droce-perf write_bw under
    perf, on the frames of a 64 B and a 64 KiB WRITE; and both processes of send_lat 8 B.
    A Profile."""
    raw_s, rows = {}, []

    def raw_window(tx, frame):
        raw_s[frame] = perf_profile(lab, [tx], PROFILE_SECS,
                                    "raw-%s-%d" % (link.name, frame))

    # The goals' own frames too (64 B, 1514 B), under perf as well: perf slows a sender
    # 10-20 % here, so the bounds compare rates that both paid for it. Their rates are
    # over the perf window.
    raw = raw_rates(lab, link, cfg.cpus, [f for _, _, f in PROFILE_CASES] + [64, BIG_FRAME],
                    run, PROFILE_SECS, raw_window)
    for test, size, frame in PROFILE_CASES:
        box = {}

        def window(cli, _srv, name="droce-%s-%s-%d" % (link.name, test, size)):
            lab.wait_for(cli, r"^ \[1 s\]", 30)
            box["s"] = perf_profile(lab, [cli], PROFILE_SECS, name)

        r = perf_run(lab, link, cfg, test, ["-s", str(size), "-D", str(PROFILE_SECS + 2)],
                     run + 1, window)
        if "s" not in box:
            raise BenchError("%s %d B on %s ended before its profile" % (test, size,
                                                                       link.name))
        pps = raw[frame].pps
        rows.append(ProfileRow("testpmd txonly", frame, pps, per_event_ns(raw_s[frame], pps)))
        pkts = -(-size // 1024)                 # path MTU 1024 (ROCE_FRAME)
        pps = r[0].msgrate * 1e6 * pkts
        row = ProfileRow("droce-perf %s %d B" % (test, size), frame, pps,
                         per_event_ns(box["s"], pps))
        floor = sum(row.ns[g] for g in profile_floor_names(link.name))
        row.ceiling = rows[-1].ns["total"] / floor if floor else None
        rows.append(row)
    # A ping-pong: both processes, for the kernel's part of a half round trip (over
    # net_af_xdp, the sendto() that carries the SEND and the ACK to the peer's socket).
    box = {}

    def lat_window(cli, srv):
        lab.wait_for(cli, r"#bytes", 30)
        time.sleep(0.5)
        box["s"] = perf_profile(lab, [cli, srv], PROFILE_SECS,
                                "droce-%s-send_lat-8" % link.name)

    r = perf_run(lab, link, cfg, "send_lat", ["-s", "8", "-D", str(PROFILE_SECS + 2)],
                 run + 2, lat_window)
    halves = 2 * r[0].tps
    if "s" not in box or halves <= 0:
        raise BenchError("send_lat on %s: no profile or no round trips" % link.name)
    return Profile(bw=rows, raw=raw, lat=ProfileLat(r[0].t_avg, per_event_ns(box["s"], halves)))


def profile_bounds(res):
    """Per rate goal, the best ratio the profiled floor allows against the goal's baseline:
    a WRITE's bytes a packet (or one message) in the floor's time over the raw rate of the
    goal's frames measured with the profile (under perf too). (No latency bound: the
    kernel's time a half round trip moves with the host as much as the half round trip
    does, so one run's cannot bound another's.)"""
    out = []
    for ln, lr in res.links.items():
        prof = lr.profile or Profile()
        for m in METRICS:
            if m.op != ">=" or ln not in m.where:
                continue
            row = [r for r in prof.bw if r.sender == "droce-perf %s %d B" % (m.test, m.size)]
            raw = prof.raw.get(BIG_FRAME if m.kind == "Bps" else 64)
            if not row or not row[0].ceiling or not raw:
                continue
            per_s = 1e9 / sum(row[0].ns[g] for g in profile_floor_names(ln))
            b = (per_s * min(m.size, 1024) / raw.Bps if m.kind == "Bps"
                 else per_s / raw.pps)
            out.append("%s, %s: <= %.2f (goal %s %g)" % (ln, m.label, b, m.op, m.goal))
    return out
