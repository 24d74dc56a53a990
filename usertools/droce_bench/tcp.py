# SPDX-License-Identifier: BSD-3-Clause
"""TCP loopback, the latency baseline: sockperf ping-pong and throughput."""
import os
import re
import subprocess
import time

from .proc import BenchError, stop
from .records import PingPong, Throughput


def sockperf_run(lab, cfg, mode, size, run):
    """sockperf server on CPU A, client (mode pp or tp, size bytes) on CPU B:
    a PingPong or a Throughput."""
    port = 20000 + (os.getpid() * 7 + run) % 20000
    secs = cfg.plan.tcp_secs
    srv = lab.spawn(["taskset", "-c", str(cfg.cpus[0]), "sockperf", "sr", "--tcp", "-i",
                     "127.0.0.1", "-p", str(port)], "sockperf-server-%d" % run)
    try:
        lab.wait_for(srv, r"listen on", 10)
        time.sleep(0.2)
        cli = lab.spawn(["taskset", "-c", str(cfg.cpus[1]), "sockperf", mode, "--tcp", "-i",
                         "127.0.0.1", "-p", str(port), "-m", str(size), "-t",
                         str(secs)], "sockperf-%s-%d" % (mode, size))
        try:
            cli.wait(secs + 20)
        except subprocess.TimeoutExpired:
            stop(cli)
    finally:
        stop(srv)
    t = lab.text(cli)
    if mode == "pp":
        med = re.search(r"percentile 50\.000 =\s+([\d.]+)", t)
        avg = re.search(r"avg-latency=([\d.]+)", t)
        p99 = re.search(r"percentile 99\.000 =\s+([\d.]+)", t)
        if not med:
            raise BenchError("sockperf ping-pong %d B: no latency (see %s)" % (size, cli.log))
        return PingPong(size, float(med.group(1)), float(avg.group(1)),
                        float(p99.group(1)) if p99 else None)
    rate = re.search(r"Message Rate is ([\d.]+) \[msg/sec\]", t)
    bw = re.search(r"BandWidth is ([\d.]+) MBps", t)
    if not (rate and bw):
        raise BenchError("sockperf throughput %d B: no rate (see %s)" % (size, cli.log))
    return Throughput(size, float(rate.group(1)), float(bw.group(1)))


def retry(fn, *a):
    """sockperf 3.7 over a loaded host now and then ends with no valid observation."""
    try:
        return fn(*a)
    except BenchError:
        return fn(*a)
