# SPDX-License-Identifier: BSD-3-Clause
"""usertools/droce-bench --quick: the script works (not its numbers).

usage: bench_smoke.py <droce-bench> <build dir> <tmp dir>

Runs the quick benchmark on memif and veth and checks what it promises: exit status 0
(every measurement taken; a MISS is not a failure), summary.md with every ratio row for
both links and PASS/MISS on each goal row, the 64 B WRITE rate taken from the timed run
(-D) and the 8 B SEND latency from the long run (-n), the raw rates measured before and
after droce's runs (the ratios on their mean), the CSV and JSON files with data, the four
plots as PNG files, no testpmd runtime directory left in /var/run/dpdk; that bad
options get their one-line error and exit status 1; and that --engine-lcore (memif only)
runs and says so in the summary.
Prints 'N passed, M failed'.
"""
import csv
import glob
import json
import os
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
           "WRITE 64 KiB bandwidth / raw byte rate at RoCE's frame (1082 B)"]
GOALS = {("memif", METRICS[0]), ("memif", METRICS[3]), ("veth", METRICS[3]),
         ("memif", METRICS[6]), ("veth", METRICS[6])}


def check(out):
    rows = {}
    for line in open(os.path.join(out, "summary.md")):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0] != "link" and not cells[0].startswith("---"):
            rows[(cells[0].split()[0], cells[1])] = cells
    for link in LINKS:
        for m in METRICS:
            r = rows.get((link, m))
            assert r is not None, "no row '%s' for %s" % (m, link)
            assert r[4] != "-", "no ratio in %s" % r
            want = ("PASS", "MISS") if (link, m) in GOALS else ("-",)
            assert r[6] in want, "verdict %s, want one of %s" % (r, want)
    for name, least in (("raw.csv", 12), ("bw.csv", 10), ("lat.csv", 6), ("tcp.csv", 1)):
        n = len(list(csv.reader(open(os.path.join(out, name))))) - 1
        assert n >= least, "%s: %d rows, want at least %d" % (name, n, least)
    res = json.load(open(os.path.join(out, "results.json")))
    assert not res["errors"] and sorted(res["links"]) == sorted(LINKS), res["errors"]
    # The raw link measured before and after droce's runs; the ratios take the mean.
    text = open(os.path.join(out, "summary.md")).read()
    assert "Raw baselines before and after droce's runs" in text, "no raw drift lines"
    for link in LINKS:
        lr = res["links"][link]
        for k in ("64", "1082", "1514"):
            b, a, m = lr["raw_before"][k], lr["raw_after"][k], lr["raw"][k]
            assert m["runs"] == 2 and abs(m["pps"] - (b["pps"] + a["pps"]) / 2) < 1, (link, k)
        assert "- %s: 64 B frames " % link in text, "no drift line for %s" % link
    # The 64 KiB WRITE against the raw rate of full RoCE frames (path MTU 1024) as well.
    for link in LINKS:
        r = rows[(link, METRICS[-1])]
        assert r[3] == "%.3g MB/s" % (res["links"][link]["raw"]["1082"]["Bps"] / 1e6), r
        assert r[2] == rows[(link, METRICS[0])][2], (r, rows[(link, METRICS[0])])
    # The 64 B WRITE rate in the table is the timed run's (-D), not the sweep's.
    for link in LINKS:
        timed = res["links"][link]["steady"].get("write_bw/64")
        assert timed is not None and timed["msgrate"] > 0, "%s: no timed write_bw 64 B" % link
        got = rows[(link, METRICS[3])][2]
        assert got == "%.3g Mmsg/s" % timed["msgrate"], (link, got, timed)
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
       (["--bogus"], "unrecognized arguments: --bogus")]


def bad_options():
    for args, want in BAD:
        p = subprocess.run([BENCH] + args, capture_output=True, text=True, timeout=30)
        assert p.returncode == 1 and want in p.stderr, (args, p.returncode, p.stderr)


def engine_lcore():
    """--engine-lcore on memif: the worker-lcore placement with -e runs and says so."""
    out = os.path.join(TMP, "out-engine-lcore")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([BENCH, "--quick", "--links", "memif", "--engine-lcore", "-o", out,
                        "--build", BUILD], capture_output=True, text=True, timeout=200)
    assert p.returncode == 0, "exit %d\n%s%s" % (p.returncode, p.stdout[-3000:],
                                                 p.stderr[-2000:])
    text = open(os.path.join(out, "summary.md")).read()
    assert "droce-perf with its engine on a worker lcore, -e." in text, text[:600]
    res = json.load(open(os.path.join(out, "results.json")))
    assert not res["errors"] and list(res["links"]) == ["memif"], res["errors"]
    ratios = [r for r in res["ratios"] if r["link"].startswith("memif")]
    assert len(ratios) == len(METRICS) and all(r["ratio"] for r in ratios), ratios


def main():
    for what, fn in (("bad options", bad_options), ("--engine-lcore", engine_lcore)):
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
