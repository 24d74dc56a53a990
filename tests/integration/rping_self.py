# SPDX-License-Identifier: BSD-3-Clause
"""droce-rping against itself: two processes over net_memif, connected by droce's CM.

usage: rping_self.py <droce-rping> <tmp dir>

For each ping size the server (-s) and the client (-c) run with -C 20 -V -v. Both must
exit 0, the client must print rping's 20 "ping data: rdma-ping-N: ..." lines with exactly
rping's text, and the server the same text as "server ping data: ...". A client that
leaves after 2 of the server's 10 pings fails the server, which then prints its engine's
transport counters and its port. Prints one line per case and 'N passed, M failed'.
"""
import os
import re
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab  # noqa: E402

RPING, TMP = sys.argv[1], sys.argv[2]
os.makedirs(TMP, exist_ok=True)
COUNT = 20


def ping_text(size, ping):
    """rping's ping n: 'rdma-ping-n: ' then letters from 'A' + n % 58, NUL at size - 1."""
    head = "rdma-ping-%d: " % ping
    chars, c = [], 65 + ping % 58
    for _ in range(len(head), size):
        chars.append(chr(c))
        c = 65 if c >= 122 else c + 1
    return (head + "".join(chars))[:size - 1]


def wait_all(procs, timeout):
    end = time.time() + timeout
    while any(p.p.poll() is None for p in procs) and time.time() < end:
        time.sleep(0.05)
    for p in procs:
        if p.p.poll() is None:
            p.stop()
            raise AssertionError("%s did not finish within %d s" % (p.p.args[0], timeout))


def case(size):
    lab = Lab("rps")
    sock = os.path.join(TMP, "rping-%d-%d.sock" % (size, os.getpid()))
    common = ["-C", str(COUNT), "-V", "-v", "-S", str(size)]
    try:
        srv = lab.run(None, [RPING, "-s", "--vdev", "net_memif0,role=server,socket=" + sock,
                             "--ip", "192.0.2.1/24"] + common,
                      os.path.join(TMP, "rping-%d.server.log" % size))
        srv.wait_for(r"^droce-rping: listening", timeout=60)
        cli = lab.run(None, [RPING, "-c", "-a", "192.0.2.1",
                             "--vdev", "net_memif0,role=client,socket=" + sock,
                             "--ip", "192.0.2.2/24"] + common,
                      os.path.join(TMP, "rping-%d.client.log" % size))
        wait_all([cli, srv], 120)
        for role, p in (("client", cli), ("server", srv)):
            if p.p.returncode != 0:
                raise AssertionError("%s exited %d:\n%s" % (role, p.p.returncode, p.text()))
        want = [ping_text(size, i) for i in range(COUNT)]
        got = [line[len("ping data: "):] for line in cli.text().splitlines()
               if line.startswith("ping data: ")]
        assert got == want, "client printed %d ping lines, %d as expected:\n%s" % (
            len(got), sum(a == b for a, b in zip(got, want)), cli.text()[-3000:])
        got = [line[len("server ping data: "):] for line in srv.text().splitlines()
               if line.startswith("server ping data: ")]
        assert got == want, "server printed %d ping lines:\n%s" % (len(got), srv.text()[-3000:])
    finally:
        lab.close()


def case_client_leaves():
    """The server's run fails: it says why and prints what its transport saw."""
    lab = Lab("rpl")
    sock = os.path.join(TMP, "rping-leave-%d.sock" % os.getpid())
    try:
        srv = lab.run(None, [RPING, "-s", "-C", "10", "-V", "--vdev",
                             "net_memif0,role=server,socket=" + sock, "--ip", "192.0.2.1/24"],
                      os.path.join(TMP, "rping-leave.server.log"))
        srv.wait_for(r"^droce-rping: listening", timeout=60)
        cli = lab.run(None, [RPING, "-c", "-a", "192.0.2.1", "-C", "2", "-V", "--vdev",
                             "net_memif0,role=client,socket=" + sock, "--ip", "192.0.2.2/24"],
                      os.path.join(TMP, "rping-leave.client.log"))
        wait_all([cli, srv], 120)
        assert cli.p.returncode == 0, cli.text()
        assert srv.p.returncode != 0, srv.text()
        text = srv.text()
        assert "droce-rping: client left after 2 of 10 pings\n" in text, text
        assert "droce-rping: rping server failed after 2 pings\n" in text, text
        m = re.search(r"^droce-rping: engine counters: (.*)$", text, re.M)
        assert m, text
        ctr = dict(zip(m.group(1).split()[::2], map(int, m.group(1).split()[1::2])))
        # Two pings: a SEND and a READ each way at least, nothing lost on memif.
        assert ctr["rx_pkts"] >= 4 and ctr["tx_pkts"] >= 4, ctr
        assert ctr["retransmit_timeouts"] == 0 and ctr["retransmit_pkts"] == 0, ctr
        assert re.search(r"^port 0: mac \S+ mtu 1500 path_mtu 1024$", text, re.M), text
        assert re.search(r"^  roce_rx_ok +\d+$", text, re.M), text
    finally:
        lab.close()


def main():
    passed = failed = 0
    cases = [("droce-rping -S %d -C %d -V over memif" % (size, COUNT),
              lambda size=size: case(size)) for size in (64, 4096)]
    cases.append(("droce-rping server whose client leaves early: counters printed",
                  case_client_leaves))
    for name, run in cases:
        t0 = time.time()
        try:
            run()
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
