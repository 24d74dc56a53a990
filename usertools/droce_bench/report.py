# SPDX-License-Identifier: BSD-3-Clause
"""What a run writes: summary.md, results.json, the CSV files and the gnuplot plots."""
import csv
import json
import os
import subprocess
import time

from .proc import BenchError
from .profile import PROFILE_COLS, PROFILE_FLOOR, PROFILE_HZ, PROFILE_SECS, profile_bounds
from .records import BIG_FRAME, LAT_KEYS, MIB, jsonable
from .stats import raw_drift


def perf_mode(cfg):
    if not cfg.engine_lcore:
        return "run to completion (one lcore per process)"
    return "with its engine on a worker lcore, " + ("-e" if cfg.events else "busy polling")


def write_summary(res, cfg, path):
    """summary.md from res (its ratios already computed); returns its text."""
    n = cfg.plan.rounds
    L = ["# droce-bench%s" % (" --quick" if cfg.quick else ""), "",
         "%s; CPUs: side A %d, side B %d; droce-perf %s. Baselines: raw = dpdk-testpmd "
         "txonly -> rxonly on the same link (byte rate with %d B frames, packet rate with "
         "64 B frames); MB = 10^6 bytes; TCP = sockperf ping-pong median over loopback, "
         "14 B (its minimum). droce: perftest's BW average (payload) and MsgRate of a -D %s run "
         "(the sweep's -n run where there is none), latency t_typical of a %s-iteration run. "
         "Rates: %d round%s of droce's timed runs, the raw link measured before the first and "
         "after each; a round's ratio is its droce rate over the mean of the raw rates "
         "measured just before and just after it (a sweep row: the two around the sweep). "
         "droce, baseline and ratio are the medians over the rounds (of two: their mean), "
         "the verdict is on the median ratio, and 'rounds' lists every round's ratio. "
         "Latencies: against TCP's, measured once." %
         (time.strftime("%Y-%m-%d %H:%M"), cfg.cpus[0], cfg.cpus[1],
          perf_mode(cfg), BIG_FRAME, cfg.plan.steady_secs, cfg.plan.long_lat_n,
          n, "s" if n > 1 else ""), "",
         "| link | metric | droce | baseline | ratio | rounds | goal | verdict |",
         "|---|---|---|---|---|---|---|---|"]
    for r in res.ratios:
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r.link, r.metric, r.droce, r.baseline,
            "%.3f" % r.ratio if r.ratio is not None else "-",
            ", ".join("%.3f" % x for x in r.rounds) if r.rounds else "-",
            r.goal or "-", r.verdict or "-"))
    drift = []
    for ln, lr in res.links.items():
        for line, spread in raw_drift(lr):
            drift.append("- %s, %s%s" % (ln, line, " **(moved more than 20 %: read the "
                                         "ratios on these frames with care)**"
                                         if spread > 0.2 else ""))
    if drift:
        L += ["", "Raw baselines before round 1 and after each round (each round's ratios "
              "use the two around it):"]
        L += drift
    for ln, lr in res.links.items():
        if lr.note and "fell back" in lr.note:
            L += ["", "veth: " + lr.note + "."]
    if any(lr.profile and lr.profile.taken for lr in res.links.values()):
        L += profile_table(res)
    if res.errors:
        L += ["", "Measurements that failed:"] + ["- " + e for e in res.errors]
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")
    return "\n".join(L)


def profile_table(res):
    L = ["", "## Where the sender's time goes (--profile)", "",
         "perf record (cpu-clock, %d Hz, %d s) of the sending process, testpmd txonly and "
         "droce-perf's write_bw client, its samples by the object they fell in, as ns of CPU "
         "per packet at the rate it ran (testpmd: packets received a second; droce: messages "
         "a second times packets a message). ceiling = testpmd's ns per packet over droce's "
         "%s (on veth + kernel, which carries each packet): the ratio droce would reach on "
         "these frames if the rest of its work (protocol, payload copy, the app) took no "
         "time." % (PROFILE_HZ, PROFILE_SECS, " + ".join(PROFILE_FLOOR)), "",
         "| link | sender | frame | packets/s | ns/packet | %s | ceiling |" %
         " | ".join(PROFILE_COLS),
         "|---|---|---|---|---|%s---|" % ("---|" * len(PROFILE_COLS))]
    profiles = [(ln, lr.profile) for ln, lr in res.links.items()
                if lr.profile and lr.profile.taken]
    for ln, prof in profiles:
        for r in prof.bw:
            L.append("| %s | %s | %d B | %.3g M | %.0f | %s | %s |" % (
                ln, r.sender, r.frame, r.pps / 1e6, r.ns["total"],
                " | ".join("%.0f" % r.ns[g] for g in PROFILE_COLS),
                "%.2f" % r.ceiling if r.ceiling else "-"))
    bounds = profile_bounds(res)
    if bounds:
        L += ["", "What that floor leaves of each rate goal against the raw rate of the goal's "
              "own frames (%d B, %d B), measured with the profile and under perf as well, "
              "were droce's own work free; an estimate: testpmd and droce ran seconds apart, "
              "and this host's phases move their rates apart within seconds:" %
              (BIG_FRAME, 64)] + ["- " + b for b in bounds]
    L += ["", "The same of both droce-perf processes in send_lat 8 B (-D %d: t_avg), as us of "
          "CPU a half round trip (the polling included, so the kernel's is the telling part: "
          "on veth the sendto() that carries the packets; with --engine-lcore also -e's "
          "waits)." % (PROFILE_SECS + 2), "",
          "| link | t_avg | CPU | kernel | PMD | droce | kernel / t_avg |",
          "|---|---|---|---|---|---|---|"]
    for ln, prof in profiles:
        us = {g: v / 1e3 for g, v in prof.lat.ns.items()}
        L.append("| %s | %.2f us | %.2f us | %.2f us | %.2f us | %.2f us | %.2f |" % (
            ln, prof.lat.t_avg, us["total"], us["kernel"], us["PMD"], us["droce"],
            us["kernel"] / prof.lat.t_avg))
    return L


def csv_file(out, name, header, rows):
    with open(os.path.join(out, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_data(res, out):
    """raw.csv, bw.csv, lat.csv, tcp.csv and results.json."""
    csv_file(out, "raw.csv",
             ["link", "pmd", "when", "frame_bytes", "rx_pps", "rx_bytes_per_s", "secs"],
             [[ln, lr.pmd, "after-%d" % i if i else "before", r.frame, r.pps, r.Bps, r.secs]
              for ln, lr in res.links.items() for i, raw in enumerate(lr.raw_rounds)
              for r in raw.values()])
    rows = []
    for ln, lr in res.links.items():
        runs = [(t, "sweep", r) for t, rs in lr.bw.items() for r in rs]
        runs += [(key.split("/")[0], "timed-%d" % k, r)
                 for k, rnd in enumerate(lr.steady_rounds, 1) for key, r in rnd.items()]
        rows += [[ln, t, run, r.size, r.iters, r.bw_peak, r.bw_avg, r.msgrate]
                 for t, run, r in runs]
    csv_file(out, "bw.csv", ["link", "test", "run", "bytes", "iterations", "bw_peak_MiBps",
                             "bw_avg_MiBps", "msgrate_Mpps"], rows)
    rows = []
    for ln, lr in res.links.items():
        runs = [(t, "sweep", r) for t, rs in lr.lat.items() for r in rs]
        runs += [(k.split("/")[0], "long", r) for k, r in lr.long_lat.items()]
        rows += [[ln, t, run, r.size, r.iters] + [getattr(r, k) for k in LAT_KEYS]
                 for t, run, r in runs]
    csv_file(out, "lat.csv", ["link", "test", "run", "bytes", "iterations"] +
             [k + "_us" for k in LAT_KEYS], rows)
    csv_file(out, "tcp.csv",
             ["mode", "bytes", "median_us", "avg_us", "p99_us", "msg_per_s", "MBps"],
             [["ping-pong", r.size, r.median, r.avg, r.p99, "", ""] for r in res.tcp.pp] +
             [["throughput", r.size, "", "", "", r.msg_per_s, r.MBps] for r in res.tcp.tp])
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(jsonable(res), f, indent=1)


def dat(out, name, pairs):
    path = os.path.join(out, "plot-data", name + ".dat")
    with open(path, "w") as f:
        f.write("".join("%s %s\n" % p for p in pairs) or "nan nan\n")
    return path


def plot(res, out):
    """bw-<link>.png and lat-<link>.png with gnuplot; returns the files made."""
    os.makedirs(os.path.join(out, "plot-data"), exist_ok=True)
    made = []
    for ln, lr in res.links.items():
        series = []
        for t in ("write_bw", "read_bw", "send_bw"):
            p = dat(out, "%s-%s" % (ln, t), [(r.size, r.bw_avg) for r in lr.bw[t]])
            series.append("'%s' using 1:2 with linespoints title '%s' noenhanced" % (p, t))
        raw = lr.raw.get(BIG_FRAME)
        if raw:
            series.append("%g title 'testpmd %d B frames (raw byte rate, mean of %d sets)' "
                          "dt 2 lw 2 noenhanced" % (raw.Bps / MIB, BIG_FRAME, raw.runs))
        png = os.path.join(out, "bw-%s.png" % ln)
        made += gnuplot(png, "droce-perf bandwidth on %s (%s)" % (ln, lr.pmd),
                        "BW average [MiB/s]", ["set yrange [0:*]"], series)
        series = []
        for t in ("send_lat", "write_lat", "read_lat"):
            p = dat(out, "%s-%s" % (ln, t), [(r.size, r.t_typical) for r in lr.lat[t]])
            series.append("'%s' using 1:2 with linespoints title '%s%s' noenhanced" %
                          (p, t, " (round trip)" if t == "read_lat" else ""))
        p = dat(out, "tcp-pp", [(r.size, r.median) for r in res.tcp.pp])
        series.append("'%s' using 1:2 with linespoints dt 2 title 'TCP loopback "
                      "(sockperf ping-pong)'" % p)
        png = os.path.join(out, "lat-%s.png" % ln)
        made += gnuplot(png, "latency (t_typical, half round trip) on %s (%s)" % (ln, lr.pmd),
                        "latency [usec]", ["set logscale y"], series)
    return made


def gnuplot(png, title, ylabel, extra, series):
    """A PNG of series over the message size (log 2), with gnuplot."""
    lines = ["set terminal pngcairo size 900,560", "set output '%s'" % png,
             "set title '%s' noenhanced" % title, "set logscale x 2",
             "set format x '2^{%L}'", "set grid", "set key top left",
             "set xlabel 'message size [bytes]'", "set ylabel '%s'" % ylabel] + extra + \
        ["plot " + ", ".join(series)]
    r = subprocess.run(["gnuplot"], input="\n".join(lines) + "\n", text=True,
                       capture_output=True)
    if r.returncode != 0 or not os.path.exists(png):
        raise BenchError("gnuplot failed for %s: %s" % (png, r.stderr.strip()))
    return [png]
