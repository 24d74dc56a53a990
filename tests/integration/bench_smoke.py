# SPDX-License-Identifier: BSD-3-Clause
"""usertools/droce-bench --quick: the script works (not its numbers).

usage: bench_smoke.py <droce-bench> <build dir> <tmp dir>

Runs the quick benchmark (2 rounds) on memif and veth and checks what it promises: exit
status 0 (every measurement taken; a MISS is not a failure), summary.md with every ratio
row for both links, a rounds cell on each and PASS/MISS on each goal row; the rate rows
paired with the raw link: 3 raw sets per link (before the rounds and after each), 2 rounds
of timed runs (-D), each round against the mean of the raw sets around it, the table's
droce, baseline and ratio the medians over the rounds (of two: the mean), one drift line
per link and frame size; the 8 B SEND latency from the long run (-n); the CSV and JSON
files with data, the four plots as PNG files, no testpmd runtime directory left in
/var/run/dpdk; that bad options (--rounds among them) get their one-line error and exit
status 1; that --engine-lcore (memif only) runs and says so in the summary; that
--profile (with it) adds its two tables, each row's components summing to its total, a
ceiling on droce's rows, the bounds on memif's rate goals, the JSON and a perf report per
profiled run; and that --profile without perf on PATH is refused with one line naming the
package.
Prints 'N passed, M failed'.
"""
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys

BENCH, BUILD, TMP = sys.argv[1:4]
LINKS = ("memif", "veth")
METRICS = ["WRITE 64 KiB bandwidth / raw byte rate", "READ 64 KiB bandwidth / raw byte rate",
           "SEND 64 KiB bandwidth / raw byte rate", "WRITE 64 B message rate / raw packet rate",
           "READ 64 B message rate / raw packet rate", "SEND 64 B message rate / raw packet rate",
           "SEND 8 B half round trip / TCP's", "WRITE 8 B half round trip / TCP's",
           "READ 8 B round trip / TCP's half round trip",
           "WRITE 64 KiB bandwidth / raw byte rate at RoCE's frame (1082 B)",
           "WRITE 64 B message rate / raw packet rate at its frame (138 B)"]
GOALS = {("memif", METRICS[0]), ("memif", METRICS[3]), ("veth", METRICS[3]),
         ("memif", METRICS[6]), ("veth", METRICS[6])}
LAT = {METRICS[6], METRICS[7], METRICS[8]}      # against TCP's once: no rounds
ROUNDS = 2                                       # --quick's
FRAMES = ("64", "138", "1082", "1514")


def median(xs):
    xs = sorted(xs)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2


def bracketing(lr, frame, kind):
    """Per round, the mean of the raw sets before and after it at this frame size."""
    sets = lr["raw_rounds"]
    return [(sets[k - 1][frame][kind] + sets[k][frame][kind]) / 2
            for k in range(1, len(sets))]


def check_rounds(out, rows, res):
    """The rate rows paired with the raw link over the rounds."""
    text = open(os.path.join(out, "summary.md")).read()
    assert res["meta"]["plan"]["rounds"] == ROUNDS, res["meta"]["plan"]
    assert "Raw baselines before round 1 and after each round" in text, "no raw drift lines"
    for link in LINKS:
        lr = res["links"][link]
        assert len(lr["raw_rounds"]) == ROUNDS + 1, (link, len(lr["raw_rounds"]))
        assert len(lr["steady_rounds"]) == ROUNDS, (link, len(lr["steady_rounds"]))
        assert lr["raw_before"] == lr["raw_rounds"][0], link
        assert lr["raw_after"] == lr["raw_rounds"][-1], link
        for k in FRAMES:
            m = lr["raw"][k]
            mean = sum(s[k]["pps"] for s in lr["raw_rounds"]) / (ROUNDS + 1)
            assert m["runs"] == ROUNDS + 1 and abs(m["pps"] - mean) < 1, (link, k, m)
            assert "- %s, %s B frames: " % (link, k) in text, "no drift line %s %s" % (link, k)
        # Goal rows with a timed run in every round: a ratio per round, the table's ratio
        # their median to the printed precision, and the same in results.json.
        for m in METRICS:
            if (link, m) not in GOALS or m in LAT:
                continue
            r = rows[(link, m)]
            got = [float(x) for x in r[5].split(",")]
            assert len(got) == ROUNDS, "rounds cell %s, want %d ratios" % (r, ROUNDS)
            assert abs(float(r[4]) - median(got)) <= 0.0011, r
            js = next(x for x in res["ratios"] if x["link"].startswith(link + " ") and
                      x["metric"] == m)
            assert len(js["rounds"]) == ROUNDS and r[4] == "%.3f" % median(js["rounds"]), \
                (r, js)
        # The 64 B WRITE rate in the table is the median of the rounds' timed runs (-D),
        # not the sweep's.
        timed = [rnd.get("write_bw/64") for rnd in lr["steady_rounds"]]
        assert all(t and t["msgrate"] > 0 for t in timed), "%s: no timed write_bw 64 B" % link
        got = rows[(link, METRICS[3])][2]
        want = median([t["msgrate"] * 1e6 for t in timed]) / 1e6
        assert got == "%.3g Mmsg/s" % want, (link, got, timed)
        # The 64 KiB WRITE against the raw rate of full RoCE frames (path MTU 1024): the
        # median of the rounds' bracketing means at 1082 B.
        r = rows[(link, METRICS[9])]
        want = median(bracketing(lr, "1082", "Bps"))
        assert r[3] == "%.3g MB/s" % (want / 1e6), (r, want)
        assert r[2] == rows[(link, METRICS[0])][2], (r, rows[(link, METRICS[0])])
        # The 64 B WRITE against the raw packet rate of its own frame (138 B) likewise.
        r = rows[(link, METRICS[10])]
        want = median(bracketing(lr, "138", "pps"))
        assert r[3] == "%.3g Mpps" % (want / 1e6), (r, want)
        assert r[2] == rows[(link, METRICS[3])][2], (r, rows[(link, METRICS[3])])
    n = {}
    for r in csv.DictReader(open(os.path.join(out, "raw.csv"))):
        n[r["link"], r["when"]] = n.get((r["link"], r["when"]), 0) + 1
    want = {(ln, w): len(FRAMES) for ln in LINKS
            for w in ["before"] + ["after-%d" % k for k in range(1, ROUNDS + 1)]}
    assert n == want, "raw.csv sets: %s" % n
    runs = {r["run"] for r in csv.DictReader(open(os.path.join(out, "bw.csv")))}
    assert runs == {"sweep"} | {"timed-%d" % k for k in range(1, ROUNDS + 1)}, runs


def check(out):
    rows = {}
    for line in open(os.path.join(out, "summary.md")):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0] != "link" and not cells[0].startswith("---"):
            rows[(cells[0].split()[0], cells[1])] = cells
    for link in LINKS:
        for m in METRICS:
            r = rows.get((link, m))
            assert r is not None, "no row '%s' for %s" % (m, link)
            assert r[4] != "-", "no ratio in %s" % r
            if m in LAT:
                assert r[5] == "-", "rounds cell on a latency row: %s" % r
            else:
                assert r[5] != "-" and all(float(x) > 0 for x in r[5].split(",")), r
            want = ("PASS", "MISS") if (link, m) in GOALS else ("-",)
            assert r[7] in want, "verdict %s, want one of %s" % (r, want)
    for name, least in (("raw.csv", 18), ("bw.csv", 10), ("lat.csv", 6), ("tcp.csv", 1)):
        n = len(list(csv.reader(open(os.path.join(out, name))))) - 1
        assert n >= least, "%s: %d rows, want at least %d" % (name, n, least)
    res = json.load(open(os.path.join(out, "results.json")))
    assert not res["errors"] and sorted(res["links"]) == sorted(LINKS), res["errors"]
    check_rounds(out, rows, res)
    # The 8 B SEND latency in the table is the long run's (-n 2000 quick), not the sweep's.
    for link in LINKS:
        long = res["links"][link]["long_lat"].get("send_lat/8")
        assert long is not None and long["iters"] == 2000, "%s: no long send_lat 8 B" % link
        got = rows[(link, METRICS[6])][2]
        assert got == "%.2f us" % long["t_typical"], (link, got, long)
    runs = {r["run"] for r in csv.DictReader(open(os.path.join(out, "lat.csv")))}
    assert runs == {"sweep", "long"}, "lat.csv runs: %s" % runs
    for kind in ("bw", "lat"):
        for link in LINKS:
            png = os.path.join(out, "%s-%s.png" % (kind, link))
            with open(png, "rb") as f:
                head = f.read(8)
            assert head == b"\x89PNG\r\n\x1a\n" and os.path.getsize(png) > 5000, png


BAD = [(["--links", "wifi"], "--links: unknown link 'wifi'"),
       (["--lcores", "0"], "--lcores: want two CPU numbers"),
       (["--no-events"], "--no-events: only with --engine-lcore"),
       (["--bogus"], "unrecognized arguments: --bogus"),
       (["--rounds", "0"], "--rounds: want a whole number >= 1, got '0'"),
       (["--rounds", "x"], "--rounds: want a whole number >= 1, got 'x'")]


def bad_options():
    for args, want in BAD:
        p = subprocess.run([BENCH] + args, capture_output=True, text=True, timeout=30)
        assert p.returncode == 1 and want in p.stderr, (args, p.returncode, p.stderr)
        assert len(p.stderr.splitlines()) == 1, (args, p.stderr)


def engine_lcore():
    """--engine-lcore on memif: the worker-lcore placement with -e runs and says so; with
    --profile."""
    out = os.path.join(TMP, "out-engine-lcore")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([BENCH, "--quick", "--links", "memif", "--engine-lcore", "--profile",
                        "-o", out, "--build", BUILD], capture_output=True, text=True,
                       timeout=200)
    assert p.returncode == 0, "exit %d\n%s%s" % (p.returncode, p.stdout[-3000:],
                                                 p.stderr[-2000:])
    text = open(os.path.join(out, "summary.md")).read()
    assert "droce-perf with its engine on a worker lcore, -e." in text, text[:600]
    res = json.load(open(os.path.join(out, "results.json")))
    assert not res["errors"] and list(res["links"]) == ["memif"], res["errors"]
    ratios = [r for r in res["ratios"] if r["link"].startswith("memif")]
    assert len(ratios) == len(METRICS) and all(r["ratio"] for r in ratios), ratios
    assert all("rounds" in r for r in ratios), ratios
    check_profile(out, res)


def check_profile(out, res):
    """--profile's tables and data (memif): testpmd txonly and droce-perf write_bw at the
    frames of a 64 B and a 64 KiB WRITE, and send_lat's half round trip."""
    text = open(os.path.join(out, "summary.md")).read()
    assert "## Where the sender's time goes (--profile)" in text, text[-2000:]
    prof = res["links"]["memif"]["profile"]
    want = [("testpmd txonly", 138), ("droce-perf write_bw 64 B", 138),
            ("testpmd txonly", 1082), ("droce-perf write_bw 65536 B", 1082)]
    assert [(r["sender"], r["frame"]) for r in prof["bw"]] == want, prof["bw"]
    rows = [ln for ln in text.splitlines() if ln.startswith("| memif | ")]
    table = [[c.strip() for c in ln.strip("|").split("|")] for ln in rows]
    bw = [c for c in table if len(c) == 14]
    assert len(bw) == 4, rows
    for r, cells in zip(prof["bw"], bw):
        ns = r["ns"]
        parts = [ns[g] for g in ("PMD", "kernel", "ICRC", "mbufs", "droce", "libc", "app",
                                 "other")]
        assert ns["total"] > 0 and r["pps"] > 0, r
        assert abs(sum(parts) - ns["total"]) < 1e-6 * ns["total"], r
        assert cells[1] == r["sender"] and cells[4] == "%.0f" % ns["total"], (cells, r)
        # The sender's own code: testpmd's in app, droce's in droce; the PMD's in both.
        assert ns["PMD"] > 0 and (ns["droce"] > 0) == r["sender"].startswith("droce"), r
        if r["sender"].startswith("droce"):
            assert r["ceiling"] > 0 and cells[-1] == "%.2f" % r["ceiling"], (cells, r)
        else:
            assert r["ceiling"] is None and cells[-1] == "-", cells
    # The bounds the floor sets on memif's two rate goals.
    for m, goal in ((METRICS[0], ">= 0.9"), (METRICS[3], ">= 0.6")):
        assert re.search(r"^- memif, %s: <= \d+\.\d\d \(goal %s\)" % (re.escape(m), goal),
                         text, re.M), (m, text[-3000:])
    lat = prof["lat"]
    assert lat["t_avg"] > 0 and lat["ns"]["total"] > 0 and lat["ns"]["droce"] > 0, lat
    assert any(ln.startswith("| memif | %.2f us |" % lat["t_avg"]) for ln in rows), rows
    # The goals' frames measured with the profile, for the bounds; a report per window.
    assert sorted(prof["raw"], key=int) == ["64", "138", "1082", "1514"], prof["raw"]
    assert all(r["pps"] > 0 for r in prof["raw"].values()), prof["raw"]
    reports = glob.glob(os.path.join(out, "logs", "*-perf-*.txt"))
    assert len(reports) == 7, reports


def no_perf():
    """--profile with no perf on PATH: one line naming the Debian package, exit 1."""
    bin_ = os.path.join(TMP, "bin-no-perf")
    shutil.rmtree(bin_, ignore_errors=True)
    os.makedirs(bin_)
    for tool in ("dpkg-query", "dpdk-testpmd", "sockperf", "gnuplot", "ip"):
        os.symlink(shutil.which(tool), os.path.join(bin_, tool))
    p = subprocess.run([BENCH, "--quick", "--links", "memif", "--profile", "--build", BUILD,
                        "-o", os.path.join(TMP, "out-no-perf")], capture_output=True,
                       text=True, timeout=60, env=dict(os.environ, PATH=bin_))
    assert p.returncode == 1 and p.stderr == \
        "droce-bench: perf not found (Debian package linux-perf)\n", (p.returncode, p.stderr)


def main():
    for what, fn in (("bad options", bad_options), ("--engine-lcore --profile", engine_lcore),
                     ("--profile without perf", no_perf)):
        try:
            fn()
        except AssertionError as e:
            print("FAIL bench-smoke %s: %s" % (what, e))
            print("0 passed, 1 failed")
            return 1
    out = os.path.join(TMP, "out")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(TMP, exist_ok=True)
    p = subprocess.Popen([BENCH, "--quick", "-o", out, "--build", BUILD],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = p.communicate(timeout=280)
    print(stdout[-6000:] + stderr[-3000:])
    try:
        assert p.returncode == 0, "droce-bench exit %d" % p.returncode
        check(out)
        # testpmd's runtime directories are removed (DPDK leaves them, 12 MiB each).
        left = glob.glob("/var/run/dpdk/dbench-%d-*" % p.pid)
        assert not left, "runtime directories left: %s" % left
    except AssertionError as e:
        print("FAIL bench-smoke: %s" % e)
        print("0 passed, 1 failed")
        return 1
    print("PASS bench-smoke")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
