# SPDX-License-Identifier: BSD-3-Clause
"""droce-perf's runs: a server on side A, a client on side B, the client's rows; and the
plan of sizes, iterations and rounds."""
import re
import subprocess

from .proc import BenchError, log, stop
from .records import BwRow, LatRow, Plan, TimedLatRow

BW_ROW = re.compile(r"^ (\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
LAT_ROW = re.compile(r"^ (\d+)\s+(\d+)" + r"\s+([\d.]+)" * 7 + r"\s*$")
# A latency test's row with -D: perftest then reports the mean and round trips a second.
DLAT_ROW = re.compile(r"^ (\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s*$")


def plan(quick):
    """Sizes, iterations and rounds. A full run takes 4-5 minutes (258 s here): per link
    a raw set ~10 s, the sweeps ~10-15 s, each round (six -D 2 runs, then a raw set) ~28 s,
    the latency runs ~13 s; then TCP ~25 s. --quick is a smoke (about 1.5 minutes): two
    rounds, so the pairing of rounds with raw sets is exercised, of the two timed runs the
    goal rows need."""
    if quick:
        return Plan(bw=["-a", "-s", "65536", "-n", "200"], lat=["-a", "-s", "64", "-n", "50"],
                    steady=[("write_bw", 64), ("write_bw", 65536)], steady_secs=1, rounds=2,
                    send_bw=[64, 65536],
                    long_lat=[("send_lat", 8)], long_lat_n=2000,
                    send_lat=[8, 64], write_lat=[8], write_lat_n=20,
                    tcp=[14], tcp_tp=[], raw_secs=0.5, tcp_secs=1, perf_timeout=60)
    return Plan(bw=["-a", "-s", "65536", "-n", "5000"], lat=["-a", "-s", "65536", "-n", "500"],
                steady=[(t, s) for t in ("write_bw", "read_bw", "send_bw") for s in (64, 65536)],
                steady_secs=2, rounds=3, send_bw=[2, 64, 512, 4096, 16384, 65536],
                long_lat=[("send_lat", 8), ("write_lat", 8), ("read_lat", 8)],
                long_lat_n=20000,
                send_lat=[2, 8, 64, 512, 4096, 65536], write_lat=[8, 1024, 65536],
                write_lat_n=100, tcp=[14, 64, 1024, 4096, 16384], tcp_tp=[64, 16384],
                raw_secs=2, tcp_secs=1, perf_timeout=120)


def perf_run(lab, link, cfg, test, args, run, during=None):
    """One droce-perf server/client pair; returns the client's rows. A pair that did not
    connect (a peer descheduled past the ARP retries on a busy host) is run once more.
    during(client, server), if given, is called while the client runs."""
    try:
        return perf_pair(lab, link, cfg, test, args, run, during)
    except BenchError as e:
        if "cannot connect" not in str(e):
            raise
        log("  (%s on %s did not connect; once more)" % (test, link.name))
        return perf_pair(lab, link, cfg, test, args, run + 1000, during)


def perf_pair(lab, link, cfg, test, args, run, during=None):
    lc = [["--lcores", ("0@%d,1@%d" % (c, c)) if cfg.engine_lcore else "0@%d" % c]
          for c in cfg.cpus]
    ev = ["-e"] if cfg.engine_lcore and cfg.events else []
    port = [["--vdev", link.vdev(s, run), "--ip", link.ips[s] + "/24"] for s in (0, 1)]
    srv = lab.spawn(link.cmd(0, [cfg.perf, test] + args + ev + lc[0] + port[0]),
                    "perf-%s-%s-server" % (link.name, test))
    timeout = cfg.plan.perf_timeout
    try:
        lab.wait_for(srv, r"Waiting for client to connect", 30)
        cli = lab.spawn(link.cmd(1, [cfg.perf, test] + args + ev + lc[1] + port[1] +
                                 [link.ips[0]]), "perf-%s-%s-client" % (link.name, test))
        try:
            if during is not None:
                try:
                    during(cli, srv)
                except BenchError:
                    if cli.poll() is None:
                        stop(cli)
                        raise
                    # The client ended first: its output below says why, and a pair that
                    # did not connect is run once more (perf_run()) as without during.
            cli.wait(timeout)
        except subprocess.TimeoutExpired:
            stop(cli)
            raise BenchError("%s on %s: no result within %d s (see %s)" %
                             (test, link.name, timeout, cli.log))
        try:
            srv.wait(20)
        except subprocess.TimeoutExpired:
            stop(srv)
    finally:
        stop(srv)
    return client_rows(lab.text(cli), cli, test, args, link.name)


def client_rows(out, cli, test, args, link_name):
    """The client's result rows: [BwRow], [LatRow], or with -D a latency test's
    [TimedLatRow]; BenchError if it failed or printed none."""
    timed_lat = test.endswith("_lat") and "-D" in args
    pat = DLAT_ROW if timed_lat else LAT_ROW if test.endswith("_lat") else BW_ROW
    rows = [m.groups() for m in map(pat.match, out.splitlines()) if m]
    if cli.returncode != 0 or not rows:
        last = [ln for ln in out.splitlines() if ln.strip()][-1:] or ["no output"]
        raise BenchError("%s on %s: exit %s, %d rows: %s (see %s)" %
                         (test, link_name, cli.returncode, len(rows), last[0], cli.log))
    kind = TimedLatRow if timed_lat else LatRow if test.endswith("_lat") else BwRow
    return [kind(int(r[0]), int(r[1]), *map(float, r[2:])) for r in rows]
