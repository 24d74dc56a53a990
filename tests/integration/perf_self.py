# SPDX-License-Identifier: BSD-3-Clause
"""droce-perf against itself: two processes over net_memif, perftest's -R protocol.

usage: perf_self.py <droce-perf> <tmp dir>

Each case runs a server and a client with the same options and checks what perftest's
users read: the table parses, rows have the sizes and iterations asked for, BW > 0, the
JSON has perftest's keys, --data_validation catches a corrupted byte (and, for the
atomic tests, wrong operands). Then every bad
option gets its one-line error and exit status 1. Prints one line per case.
"""
import json
import os
import re
import subprocess
import sys
import time
import traceback

PERF, TMP = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.makedirs(TMP, exist_ok=True)
BW_ROW = re.compile(r"^ (\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
LAT_ROW = re.compile(r"^ (\d+)\s+(\d+)" + r"\s+([\d.]+)" * 7 + r"\s*$")
N = [0]
CPUS = sorted(os.sched_getaffinity(0))
LC = [["--lcores", "0@%d,1@%d" % (c, c)] for c in (CPUS[0], CPUS[-1])]


def port(role, sock, ip):
    return ["--vdev", "net_memif0,role=%s,socket=%s" % (role, sock), "--ip", ip + "/24"]


def pair(test, args, env=None, srv_args=(), cli_args=()):
    N[0] += 1
    sock = os.path.join(TMP, "perf-%d-%d.sock" % (os.getpid(), N[0]))
    e = dict(os.environ, **(env or {}))
    srv = subprocess.Popen([PERF, test] + args + list(srv_args) +
                           port("server", sock, "192.0.2.1"), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, env=e, cwd=TMP)
    time.sleep(0.5)
    try:
        cli = subprocess.run([PERF, test] + args + list(cli_args) +
                             port("client", sock, "192.0.2.2") + ["192.0.2.1"],
                             capture_output=True, text=True, timeout=120, env=e, cwd=TMP)
        sout, _ = srv.communicate(timeout=60)
    finally:
        if srv.poll() is None:  # a hung server fails its case, not the ones after it
            srv.kill()
            srv.wait()
    return cli.returncode, cli.stdout + cli.stderr, srv.returncode, sout


def rows(text, lat=False):
    pat = LAT_ROW if lat else BW_ROW
    return [m.groups() for m in map(pat.match, text.splitlines()) if m]


def ok_pair(test, args, **kw):
    crc, cout, src, sout = pair(test, args, **kw)
    assert crc == 0 and src == 0, "exit %d/%d\n--- client\n%s\n--- server\n%s" % (
        crc, src, cout[-3000:], sout[-3000:])
    return cout, sout


def bw_case(test, args, sizes, iters, **kw):
    cout, sout = ok_pair(test, args, **kw)
    hdr = " #bytes     #iterations    BW peak[MiB/sec]    BW average[MiB/sec]   MsgRate[Mpps]"
    assert hdr in cout, cout
    r = rows(cout)
    assert [int(x[0]) for x in r] == sizes, r
    # Below 64 B a few thousand messages a second (ASan, a loaded host) print as 0.00
    # MiB/sec: there the message rate must be > 0.
    assert all(int(x[1]) == iters and float(x[4]) > 0 and
               (float(x[3]) > 0 or int(x[0]) < 64) for x in r), r
    assert rows(sout), sout


def lat_case(test, args, iters, **kw):
    cout, sout = ok_pair(test, args, **kw)
    assert "t_typical[usec]" in cout and "99.9% percentile[usec]" in cout, cout
    r = rows(cout, lat=True)
    assert len(r) == 1 and int(r[0][1]) == iters, r
    vals = [float(v) for v in r[0][2:]]
    assert 0 < vals[0] <= vals[2] <= vals[1], vals  # min <= typical <= max


def params_case():
    """The client's -m/-u/--retry_count travel in its REQs; data crosses at 512 B."""
    cout, sout = ok_pair("write_bw", ["-n", "300", "-s", "4096", "--data_validation"],
                         cli_args=["-m", "512", "-u", "18", "--retry_count", "3"])
    assert " Mtu             : 512[B]" in cout, cout
    assert rows(cout) and rows(sout), (cout, sout)


def json_case():
    f = os.path.join(TMP, "perf.json")
    ok_pair("write_bw", ["-n", "300", "-s", "4096"], cli_args=["--out_json_file", f])
    j = json.load(open(f))["results"]
    for k in ("MsgSize", "n_iterations", "BW_peak", "BW_average", "MsgRate"):
        assert k in j, j
    assert j["MsgSize"] == 4096 and j["n_iterations"] == 300 and j["BW_average"] > 0, j


def validation_case():
    ok_pair("send_bw", ["-n", "200", "--data_validation"])
    ok_pair("read_bw", ["-n", "200", "--data_validation"])
    crc, cout, src, sout = pair("write_bw", ["-n", "100", "--data_validation"],
                                env={"DROCE_PERF_TEST_CORRUPT": "1"})
    assert src == 1 and "Data validation failed: byte 32768" in sout, sout


def imm_corrupt_case():
    """A sender whose immediate data is off by one is caught by the receiver."""
    crc, cout, src, sout = pair("send_bw", ["-n", "100", "-s", "64", "--send_with_imm",
                                            "--data_validation"],
                                env={"DROCE_PERF_TEST_CORRUPT": "1"})
    assert src == 1 and "immediate data 0x1, expected 0" in sout, sout
    crc, cout, src, sout = pair("write_lat", ["-n", "50", "-s", "64", "--write_with_imm",
                                              "--data_validation"],
                                env={"DROCE_PERF_TEST_CORRUPT": "1"})
    # write_lat's server moves first: the client sees the wrong value and leaves, and the
    # server waiting for its message says so instead of waiting forever.
    assert crc == 1 and "immediate data 0x2, expected 0x1" in cout, cout
    assert src == 1 and "The peer disconnected before its message" in sout, sout


def atomic_case(test, args):
    """Atomics through the verbs extension; --data_validation checks what came back."""
    if test == "atomic_bw":
        bw_case(test, args + ["--data_validation"], [8], 500 * (2 if "-q" in args else 1))
    else:
        lat_case(test, args + ["--data_validation"], 100)


def atomic_corrupt_case():
    """A client adding 2 (or swapping in 1) is caught: the server's targets, the values."""
    crc, cout, src, sout = pair("atomic_bw", ["-n", "500", "--data_validation"],
                                env={"DROCE_PERF_TEST_CORRUPT": "1"})
    assert src == 1 and "the atomic targets hold 1000 in all, expected 500" in sout, sout
    crc, cout, src, sout = pair("atomic_bw", ["-n", "500", "-A", "CMP_AND_SWAP",
                                              "--data_validation"],
                                env={"DROCE_PERF_TEST_CORRUPT": "1"})
    assert src == 1 and "the atomic targets hold 1 in all, expected 0" in sout, sout
    crc, cout, src, sout = pair("atomic_lat", ["-n", "100", "--data_validation"],
                                env={"DROCE_PERF_TEST_CORRUPT": "1"})
    assert crc == 1 and "atomic 1 returned 2, expected 1" in cout, cout


BAD = [
    (["write_bw", "-s", "0"], "Message size should be between"),
    (["write_bw", "-n", "2"], "Iteration num should be between"),
    (["write_bw", "-q", "0"], "Num of qps should be between"),
    (["write_bw", "-t", "0"], "Tx depth should be between"),
    (["send_bw", "-r", "99999"], "Rx depth should be between"),
    (["write_bw", "-m", "1000"], "Invalid MTU"),
    (["write_bw", "-I", "5000"], "Inline size should be between"),
    (["write_bw", "-Q", "0"], "CQ moderation should be between"),
    (["write_bw", "-l", "200"], "Post list (200) cannot exceed"),
    (["write_bw", "-l", "4", "-Q", "16"], "Post list size must be a multiple of CQ moderation"),
    (["write_bw", "-l", "8", "-n", "100"], "Number of iterations must be a multiple of post"),
    (["write_lat", "-l", "2"], "Post list is only available in BW tests"),
    (["write_bw", "-p", "70000"], "Port should be between"),
    (["write_bw", "-u", "40"], "QP timeout should be between"),
    (["write_bw", "--retry_count", "9"], "Retry count should be between"),
    (["write_bw", "-D", "0"], "Duration should be between"),
    (["write_bw", "-D", "2", "-n", "100"], "cannot be combined with -n"),
    (["write_bw", "--use-srq"], "Using SRQ only avavilible in SEND tests"),
    (["write_lat", "-b"], "Bidirectional is only available in BW tests"),
    (["atomic_bw", "-s", "16"], "Message size cannot be changed for Atomic tests"),
    (["atomic_lat", "-a"], "Message size cannot be changed for Atomic tests"),
    (["atomic_bw", "-A", "XOR"], "Invalid Atomic type!"),
    (["write_bw", "-A", "CMP_AND_SWAP"], "-A is for the atomic tests"),
    (["read_bw", "--write_with_imm"], "--write_with_imm is for write_bw and write_lat"),
    (["write_lat", "--send_with_imm"], "--send_with_imm is for send_bw and send_lat"),
    (["nosuch_bw"], "name a test"),
    (["write_bw", "not-an-ip"], "not an IPv4 or IPv6 address"),
    (["write_bw", "1.2.3.4", "extra"], "unexpected argument"),
]


def bad_case(args, want):
    p = subprocess.run([PERF] + args + ["--vdev", "net_null0", "--ip", "192.0.2.9/24"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and want in p.stderr, (p.returncode, p.stderr)
    assert len([ln for ln in p.stderr.splitlines() if ln.strip()]) == 1, p.stderr


CASES = [
    ("write_bw", lambda: bw_case("write_bw", ["-n", "500"], [65536], 500)),
    ("read_bw", lambda: bw_case("read_bw", ["-n", "500"], [65536], 500)),
    ("send_bw", lambda: bw_case("send_bw", ["-n", "500"], [65536], 500)),
    ("write_lat", lambda: lat_case("write_lat", ["-n", "100"], 100)),
    ("send_lat", lambda: lat_case("send_lat", ["-n", "100"], 100)),
    ("read_lat", lambda: lat_case("read_lat", ["-n", "100"], 100)),
    ("write_bw -a -s 256", lambda: bw_case("write_bw", ["-a", "-s", "256", "-n", "50"],
                                           [2, 4, 8, 16, 32, 64, 128, 256], 50)),
    ("send_bw -a -s 1024 (receives posted afresh per size)", lambda: bw_case(
        "send_bw", ["-a", "-s", "1024", "-n", "100"], [2, 4, 8, 16, 32, 64, 128, 256, 512,
                                                       1024], 100)),
    ("send_bw -a -s 64 --use-srq -q 2 -r 64", lambda: bw_case(
        "send_bw", ["-a", "-s", "64", "-n", "100", "--use-srq", "-q", "2", "-r", "64"],
        [2, 4, 8, 16, 32, 64], 200)),
    ("write_bw -q 2", lambda: bw_case("write_bw", ["-q", "2", "-n", "300"], [65536], 600)),
    ("write_bw -b", lambda: bw_case("write_bw", ["-b", "-n", "300"], [65536], 300)),
    ("send_bw -b", lambda: bw_case("send_bw", ["-b", "-n", "300"], [65536], 300)),
    ("send_bw --use-srq -q 2", lambda: bw_case("send_bw", ["--use-srq", "-q", "2", "-n",
                                                           "300"], [65536], 600)),
    ("send_bw -e", lambda: bw_case("send_bw", ["-e", "-n", "300"], [65536], 300)),
    # The cases above run to completion (one lcore: the test thread polls the engine);
    # these give the engine a worker lcore, on the test thread's CPU as droce-bench does.
    ("write_bw -q 2, engine on a worker lcore", lambda: bw_case(
        "write_bw", ["-q", "2", "-n", "300"], [65536], 600, srv_args=LC[0],
        cli_args=LC[1])),
    ("send_lat, engine on a worker lcore", lambda: lat_case(
        "send_lat", ["-n", "100"], 100, srv_args=LC[0], cli_args=LC[1])),
    ("write_bw -l 8 -s 1024", lambda: bw_case("write_bw", ["-l", "8", "-s", "1024", "-n",
                                                           "2000"], [1024], 2000)),
    ("write_bw -m 512 -u 18 --retry_count 3 (client)", params_case),
    ("--out_json_file", json_case),
    ("--data_validation", validation_case),
    ("write_bw --write_with_imm", lambda: bw_case(
        "write_bw", ["-n", "500", "--write_with_imm", "--data_validation"], [65536], 500)),
    ("write_bw --write_with_imm -q 2 -b", lambda: bw_case(
        "write_bw", ["-n", "300", "-q", "2", "-b", "--write_with_imm", "--data_validation"],
        [65536], 600)),
    ("send_bw --send_with_imm", lambda: bw_case(
        "send_bw", ["-n", "500", "--send_with_imm", "--data_validation"], [65536], 500)),
    ("send_bw --send_with_imm --use-srq -q 2", lambda: bw_case(
        "send_bw", ["-n", "300", "-q", "2", "--use-srq", "--send_with_imm",
                    "--data_validation"], [65536], 600)),
    ("write_lat --write_with_imm", lambda: lat_case(
        "write_lat", ["-n", "100", "--write_with_imm", "--data_validation"], 100)),
    ("send_lat --send_with_imm", lambda: lat_case(
        "send_lat", ["-n", "100", "--send_with_imm", "--data_validation"], 100)),
    ("immediate data: --data_validation catches a wrong value", imm_corrupt_case),
    ("atomic_bw", lambda: atomic_case("atomic_bw", ["-n", "500"])),
    ("atomic_bw -A CMP_AND_SWAP -q 2", lambda: atomic_case(
        "atomic_bw", ["-n", "500", "-A", "CMP_AND_SWAP", "-q", "2"])),
    ("atomic_bw -q 2 -b", lambda: atomic_case("atomic_bw", ["-n", "500", "-q", "2", "-b"])),
    ("atomic_lat", lambda: atomic_case("atomic_lat", ["-n", "100"])),
    ("atomic_lat -A CMP_AND_SWAP", lambda: atomic_case("atomic_lat", ["-n", "100", "-A",
                                                                      "CMP_AND_SWAP"])),
    ("atomics: --data_validation catches wrong operands", atomic_corrupt_case),
] + [("bad: " + " ".join(a), (lambda a=a, w=w: bad_case(a, w))) for a, w in BAD]


def main():
    passed = failed = 0
    for name, fn in CASES:
        t0 = time.time()
        try:
            fn()
            print("PASS %s (%.1f s)" % (name, time.time() - t0))
            passed += 1
        except Exception:
            print("FAIL %s" % name)
            traceback.print_exc()
            failed += 1
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
