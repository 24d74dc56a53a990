# SPDX-License-Identifier: BSD-3-Clause
"""usertools/droce-instr: the script works and counts something real (not its numbers).

usage: instr_smoke.py <droce-instr> <build dir> <tmp dir>

Runs two small cases (write_bw 64 B and 8 KiB, so one message is one packet and eight)
and checks: exit status 0; a table row for each, its count the least of its two runs; a 64 B message costs between 300 and
20000 instructions (an empty loop or a count of the whole process would fall outside);
eight packets cost more than one but less than eight times as much plus the copies (the
per-packet count of the 8 KiB case within 0.3x-3x of the 64 B one); the --top list names
droce's own functions (eng_req_progress, the requester, is in every sender's list); the
JSON holds the same numbers; bad options, and a build with AddressSanitizer (which valgrind
cannot run), get their one-line error and exit status 1.
Prints 'N passed, M failed'.
"""
import json
import os
import re
import subprocess
import sys

INSTR, BUILD, TMP = sys.argv[1:4]
BAD = [(["--cases", "write_lat/8"], "--cases: want <send|write|read>_bw/<bytes"),
       (["--cases", "write_bw/0"], "--cases: want <send|write|read>_bw/<bytes"),
       (["-n", "5"], "-n: want at least 100 messages, got 5"),
       (["--top", "-1"], "--top: want 0 or more, got -1"),
       (["--repeat", "0"], "--repeat: want 1 or more, got 0"),
       (["--lcores", "7"], "--lcores: want two CPU numbers")]


def bad_options():
    for args, want in BAD:
        p = subprocess.run([INSTR] + args, capture_output=True, text=True, timeout=30)
        assert p.returncode == 1 and want in p.stderr, (args, p.returncode, p.stderr)
    # A build dir whose droce-perf has AddressSanitizer in it (a stand-in program).
    fake = os.path.join(TMP, "asan-build")
    os.makedirs(os.path.join(fake, "apps"), exist_ok=True)
    r = subprocess.run(["cc", "-fsanitize=address", "-x", "c", "-", "-o",
                        os.path.join(fake, "apps", "droce-perf")],
                       input="int main(void) { return 0; }\n", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    p = subprocess.run([INSTR, "--build", fake], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "built with a sanitizer, which valgrind cannot run" in \
        p.stderr, (p.returncode, p.stderr)


def run():
    os.makedirs(TMP, exist_ok=True)
    js = os.path.join(TMP, "instr.json")
    p = subprocess.run([INSTR, "--cases", "write_bw/64,write_bw/8192", "-n", "20000", "--repeat", "2",
                        "--top", "12", "--build", BUILD, "--json", js],
                       capture_output=True, text=True, timeout=200)
    print(p.stdout[-4000:] + p.stderr[-2000:])
    assert p.returncode == 0, "exit %d" % p.returncode
    rows = {}
    for m in re.finditer(r"^\| (\w+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \| (\d+), (\d+) \|$", p.stdout, re.M):
        rows[(m.group(1), int(m.group(2)))] = (float(m.group(3)), float(m.group(4)))
        # The count reported is the least of the two runs.
        assert abs(float(m.group(3)) - min(int(m.group(5)), int(m.group(6)))) <= 0.5, m.group(0)
    assert set(rows) == {("write_bw", 64), ("write_bw", 8192)}, rows
    small, big = rows[("write_bw", 64)], rows[("write_bw", 8192)]
    assert 300 < small[0] < 20000, small
    assert big[0] > small[0] and 0.3 * small[1] < big[1] < 3 * small[1], (small, big)
    res = json.load(open(js))
    assert not res["errors"] and len(res["rows"]) == 2, res
    for r in res["rows"]:
        assert abs(r["instr_per_msg"] - rows[(r["test"], r["size"])][0]) < 0.1, r
        names = " ".join(t["fn"] for t in r["top"])
        assert len(r["top"]) == 12 and "eng_req_progress" in names, names


def main():
    passed = failed = 0
    for what, fn in (("bad options", bad_options), ("run", run)):
        try:
            fn()
            passed += 1
            print("PASS instr-smoke %s" % what)
        except AssertionError as e:
            failed += 1
            print("FAIL instr-smoke %s: %s" % (what, e))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
