# SPDX-License-Identifier: BSD-3-Clause
"""droce-info and the /droce/ telemetry endpoints.

usage: info_telemetry.py <droce-info> <rc-peer> <droce-portd> <tmp dir>

- local: droce-info opens a net_ring port itself and prints the MAC, MTUs, GID table and
  adapter limits it was given (text and --json, the values asserted);
- telemetry: two rc-peer processes over net_memif keep 2 QPs busy; the client's telemetry
  socket is asked directly (SOCK_SEQPACKET, as dpdk-telemetry.py does): counters present
  and growing, QPs listed, per-QP counters adding up to the engine's and to what the
  workload moved; droce-info --telemetry and dpdk-telemetry.py read the same process; a
  reader keeps asking for a QP while the process closes it (ASan watches); droce-info
  --telemetry <pid> finds a droce application (droce-portd) by its default file prefix;
- errors: every bad query and option answers with its reason (and droce-info exits 1).
Prints one line per test and 'N passed, M failed'.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback

INFO, PEER, PORTD, TMP = sys.argv[1:5]
os.makedirs(TMP, exist_ok=True)
MAC = "02:00:00:00:00:07"
IPS = ("192.0.2.7/24", "2001:db8::7/64")
# ndk_query_adapter_info(): the engine's limits (pmd/eng.h, lib/ndk_adapter.c).
LIMITS = {"max_initiator_request_sge": 16, "max_receive_request_sge": 16,
          "max_inline_data_size": 256, "max_inbound_read_limit": 128,
          "max_outbound_read_limit": 128, "max_receive_queue_depth": 16384,
          "max_initiator_queue_depth": 16384}
MARKER = 40     # rc-peer's end-of-run SEND per QP (struct marker)


def run_info(*args, timeout=60):
    p = subprocess.run([INFO] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def runtime_dir(prefix):
    if os.getuid() == 0:
        return "/var/run/dpdk/" + prefix
    return os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk", prefix)


class Tel:
    """A client of a DPDK telemetry socket."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.settimeout(10)
        self.s.connect(path)
        hello = json.loads(self.s.recv(1024).decode())
        self.max = hello["max_output_len"]

    def ask(self, cmd):
        self.s.send(cmd.encode())
        reply = json.loads(self.s.recv(self.max).decode())
        return reply[cmd.split(",")[0]]

    def close(self):
        self.s.close()


def test_local():
    """droce-info on its own net_ring port: MAC, MTUs, GIDs and limits as configured."""
    args = ["--vdev", "net_ring0", "--mac", MAC, "--mtu", "4200", "--ip", IPS[0],
            "--ip", IPS[1]]
    rc, out, err = run_info(*(args + ["-v"]))
    assert rc == 0, "exit %d: %s" % (rc, err)
    assert re.search(r"^\tmac:\s+%s$" % MAC, out, re.M), out
    assert re.search(r"^\tmtu:\s+4200$", out, re.M), out
    assert re.search(r"^\tactive_mtu:\s+4096 ", out, re.M), out
    gids = re.findall(r"GID\[\s*(\d+)\]:\s+(\S+)", out)
    # Entry 0: the link-local address of the MAC's EUI-64 (U/L bit flipped).
    assert gids == [("0", "fe80::ff:fe00:7/64"), ("1", IPS[0]), ("2", IPS[1])], gids
    for k, v in LIMITS.items():
        assert re.search(r"^\t%s\s+%d$" % (k, v), out, re.M), (k, out)
    assert re.search(r"^\tversion\s+2\.\d+$", out, re.M), out
    rc, out, err = run_info(*(args + ["--json"]))
    assert rc == 0, err
    m = json.loads(out)
    port = m["ports"][0]
    assert (port["mac"], port["mtu"], port["path_mtu"]) == (MAC, 4200, 4096), port
    assert [g["gid"] for g in port["gids"]] == ["fe80::ff:fe00:7/64"] + list(IPS), port
    for k, v in LIMITS.items():
        assert m["adapter"][k] == v, (k, m["adapter"])
    assert m["engines"][0]["slots"] == 1, m["engines"]
    return "mac, mtu 4200/4096, 3 GIDs, %d limits" % len(LIMITS)


def test_pid():
    """droce-info --telemetry <pid>: a droce application's default prefix, droce-<pid>."""
    p = subprocess.Popen([PORTD, "--vdev", "net_null0", "--mac", MAC, "--ip", IPS[0],
                          "--duration", "20", "--quiet"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        lines = [p.stdout.readline() for _ in range(1)]
        while lines[-1] and not lines[-1].startswith("ready port") and len(lines) < 50:
            lines.append(p.stdout.readline())    # EAL and telemetry logs come first
        assert lines[-1].startswith("ready port 0"), "droce-portd did not start: %s" % lines
        rc, out, err = run_info("--telemetry", str(p.pid))
        assert rc == 0, err
        assert out.startswith("source:\t%s/dpdk_telemetry.v2\n" %
                              runtime_dir("droce-%d" % p.pid)), out
        assert re.search(r"^\tmac:\s+%s$" % MAC, out, re.M), out
        assert re.search(r"GID\[\s*1\]:\s+192\.0\.2\.7/24", out), out
        # droce-portd runs no engine.
        assert re.search(r"^\tengine:\s+-$", out, re.M), out
        assert not re.search(r"^engine:", out, re.M), out
    finally:
        p.terminate()
        p.wait(timeout=30)
    return "droce-portd %d" % p.pid


class Pair:
    """rc-peer server and client over net_memif, 2 QPs, then lingering with them."""

    def __init__(self, name, duration=3.0, linger=6.0):
        sock = os.path.join(TMP, "%s-%d.sock" % (name, os.getpid()))
        exch = os.path.join(TMP, name + ".x")
        for sfx in (".client", ".server", ".client.tmp", ".server.tmp", ".client.done"):
            if os.path.exists(exch + sfx):
                os.unlink(exch + sfx)
        common = ["--exchange", exch, "--qps", "2", "--size-max", "4096",
                  "--duration", str(duration), "--linger", str(linger), "--timeout", "18"]
        self.logs, self.procs = {}, {}
        for role, me, peer in (("server", "192.0.2.1/24", "192.0.2.2"),
                               ("client", "192.0.2.2/24", "192.0.2.1")):
            log = os.path.join(TMP, "%s.%s.log" % (name, role))
            self.logs[role] = log
            argv = [PEER, "--role", role, "--ip", me, "--peer", peer, "--vdev",
                    "net_memif0,role=%s,socket=%s" % (role, sock)] + common
            self.procs[role] = subprocess.Popen(argv, stdout=open(log, "w"),
                                                stderr=subprocess.STDOUT)
            if role == "server":
                self.wait_for("server", r"^rc_peer server: (attached|FAIL)", 30)
        self.prefix = "droce-%d" % self.procs["client"].pid
        self.sock = os.path.join(runtime_dir(self.prefix), "dpdk_telemetry.v2")

    def text(self, role):
        with open(self.logs[role]) as f:
            return f.read()

    def wait_for(self, role, pattern, timeout):
        end = time.time() + timeout
        while time.time() < end:
            m = re.search(pattern, self.text(role), re.M)
            if m:
                return m
            if self.procs[role].poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("%s: no %r:\n%s" % (role, pattern, self.text(role)[-2000:]))

    def connect(self):
        # rc-peer writes its exchange file after rte_eal_init(): the socket exists.
        self.wait_for("client", r"^rc_peer client: attached", 30)
        return Tel(self.sock)

    def finish(self):
        for role in ("client", "server"):
            try:
                self.procs[role].wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.procs[role].kill()
                self.procs[role].wait()
        for role in ("client", "server"):
            rc = self.procs[role].returncode
            assert rc == 0, "%s exit %d:\n%s" % (role, rc, self.text(role)[-2000:])


def qp_sum(tel, qpns, name):
    return sum(tel.ask("/droce/qp,rc_peer,%d" % q)[name] for q in qpns)


def check_live(tel):
    """While the workload runs: everything present, counters growing."""
    assert tel.ask("/droce/engines") == ["rc_peer"]
    assert tel.ask("/droce/ports") == [0]
    port = tel.ask("/droce/port,0")
    assert port["name"] == "net_memif0" and port["engine"] == "rc_peer", port
    assert (port["mtu"], port["path_mtu"], port["link"]) == (1500, 1024, "up"), port
    assert port["gid1"] == "192.0.2.2/24" and port["gid_count"] == 2, port
    end = time.time() + 20
    e1 = tel.ask("/droce/engine,rc_peer")
    while e1["cqe_success"] == 0 and time.time() < end:    # the peers still connect
        time.sleep(0.05)
        e1 = tel.ask("/droce/engine,rc_peer")
    time.sleep(0.5)
    # Soon after link up (the port checks it every 1024 polls) the port faulted memif's
    # shared memory in: at least its two rings of 1024 2 KiB buffers, 1024 pages.
    port = tel.ask("/droce/port,0")
    assert port["memif_pages_faulted"] >= 1024, port
    e2 = tel.ask("/droce/engine,rc_peer")
    for k in ("tx_pkts", "rx_pkts", "tx_payload_bytes", "rx_payload_bytes", "cqe_success",
              "ack_rx"):
        assert e2[k] > e1[k] > 0, (k, e1[k], e2[k])
    for k in ("nak_seq_rx", "rnr_nak_rx", "cnp_rx", "retransmit_pkts", "cqe_wr_flush_err"):
        assert k in e2, k
    assert (e2["slots"], e2["qps"], e2["slot_qps"]) == (1, 2, [2]), e2
    qps = tel.ask("/droce/qps,rc_peer")
    assert qps["qpn"] == [2, 3] and qps["state"] == ["RTS", "RTS"], qps
    assert qps["type"] == ["RC", "RC"] and "next" not in qps, qps
    q1 = tel.ask("/droce/qp,rc_peer,2")
    assert q1["dgid"] == "192.0.2.1" and q1["sgid"] == "192.0.2.2", q1
    assert q1["path_mtu"] == 1024 and q1["state"] == "RTS", q1
    time.sleep(0.3)
    q2 = tel.ask("/droce/qp,rc_peer,2")
    assert q2["tx_payload_bytes"] > q1["tx_payload_bytes"] > 0, (q1, q2)
    assert q2["cqe_success"] > q1["cqe_success"], (q1, q2)
    return e2


def check_final(pair, tel):
    """Lingering after the report: the QPs' counters against the workload's."""
    ok = pair.wait_for("client", r"^rc_peer client: ok qps=2 msgs=(\d+) bytes=(\d+)", 60)
    pair.wait_for("client", r"^rc_peer client: lingering", 30)
    msgs, moved = int(ok.group(1)), int(ok.group(2))
    eng = tel.ask("/droce/engine,rc_peer")
    payload = qp_sum(tel, (2, 3), "tx_payload_bytes") + qp_sum(tel, (2, 3), "rx_payload_bytes")
    # moved counts every completed WR's length, atomics' 8 bytes too, which travel in
    # headers; each QP also sent an end marker. A clean link: nothing sent twice.
    assert moved - 8 * msgs <= payload <= moved + 2 * MARKER, (payload, moved, msgs)
    assert qp_sum(tel, (2, 3), "retransmit_pkts") == 0
    assert qp_sum(tel, (2, 3), "cqe_success") == eng["cqe_success"] == msgs, (eng, msgs)
    for k in ("tx_payload_bytes", "rx_payload_bytes", "tx_pkts", "rx_pkts", "ack_rx"):
        assert qp_sum(tel, (2, 3), k) == eng[k], k
    return msgs, moved, payload


def check_tools(pair):
    """droce-info --telemetry and dpdk-telemetry.py on the same process."""
    rc, out, err = run_info("--telemetry", pair.prefix, "-v")
    assert rc == 0, err
    assert re.search(r"^engine:\trc_peer \(port 0\)$", out, re.M), out
    assert re.search(r"^\tqp 2:\s+RC RTS slot 0$", out, re.M), out
    assert re.search(r"^\tqp 3:\s+RC RTS slot 0$", out, re.M), out
    assert re.search(r"GID\[\s*1\]:\s+192\.0\.2\.2/24", out), out
    rc, out, err = run_info("--telemetry", pair.sock, "--json", "-v")
    assert rc == 0, err
    m = json.loads(out)
    e = m["engines"][0]
    assert [q["qpn"] for q in e["qp_list"]] == [2, 3], e
    assert e["counters"]["cqe_success"] > 0 and e["limits"]["max_qp"] == 4096, e
    assert m["ports"][0]["gids"][1] == {"index": 1, "gid": "192.0.2.2/24"}, m["ports"]
    tool = shutil.which("dpdk-telemetry.py")
    if tool is None:
        return "dpdk-telemetry.py not installed"
    p = subprocess.run([tool, "-f", pair.prefix], input="/droce/qp,rc_peer,3\n",
                       capture_output=True, text=True, timeout=30)
    line = [x for x in p.stdout.splitlines() if x.startswith("{")][-1]
    assert json.loads(line)["/droce/qp"]["qpn"] == 3, p.stdout
    return "dpdk-telemetry.py ok"


def hammer(path, stop, answers):
    """Ask for QP 2 until the process is gone: it closes the QP meanwhile."""
    try:
        t = Tel(path)
        while not stop.is_set():
            a = t.ask("/droce/qp,rc_peer,2")
            answers.append("qpn" in a if a else None)
    except (OSError, ValueError, KeyError):
        pass    # the process went away


def test_telemetry():
    """rc-peer pair over memif: endpoints, growth, per-QP sums, tools, close race."""
    pair = Pair("tel")
    try:
        tel = pair.connect()
        check_live(tel)
        msgs, moved, payload = check_final(pair, tel)
        tools = check_tools(pair)
        stop, answers = threading.Event(), []
        th = threading.Thread(target=hammer, args=(pair.sock, stop, answers))
        th.start()
        tel.close()
        pair.finish()
        stop.set()
        th.join(30)
        assert answers and answers[0] is True, answers[:3]
    finally:
        for p in pair.procs.values():
            if p.poll() is None:
                p.kill()
    return "%d WRs, %d bytes moved, %d payload bytes on the QPs; %d racing reads; %s" % (
        msgs, moved, payload, len(answers), tools)


def test_bad_queries():
    """Every bad telemetry query answers its reason."""
    pair = Pair("bad", duration=1.0, linger=8.0)
    cases = {
        "/droce/qp,rc_peer,99": "no QP 99 on engine rc_peer",
        "/droce/qp,rc_peer,4098": "no QP 4098 on engine rc_peer",
        "/droce/qp,rc_peer,16777216": "bad QPN 16777216 (0 to 16777215)",
        "/droce/qp,rc_peer,x2": "bad QPN x2 (0 to 16777215)",
        "/droce/qp,rc_peer": "usage: /droce/qp,<engine name>,<qpn>",
        "/droce/qp": "usage: /droce/qp,<engine name>,<qpn>",
        "/droce/qp,nope,2": "no engine named nope",
        "/droce/qps": "usage: /droce/qps,<engine name>[,<first qpn>]",
        "/droce/qps,nope": "no engine named nope",
        "/droce/qps,rc_peer,-1": "bad QPN -1 (0 to 16777215)",
        "/droce/engine": "usage: /droce/engine,<engine name>",
        "/droce/engine,nope": "no engine named nope",
        "/droce/port": "usage: /droce/port,<port id>",
        "/droce/port,x": "bad port id x",
        "/droce/port,31": "no droce port 31",
        "/droce/port,99999": "bad port id 99999",
    }
    try:
        tel = pair.connect()
        for cmd, why in cases.items():
            got = tel.ask(cmd)
            assert got == {"error": why}, (cmd, got)
        # Paging: from QP 3 on, only 3.
        assert tel.ask("/droce/qps,rc_peer,3")["qpn"] == [3]
        tel.close()
        os.kill(pair.procs["client"].pid, 15)
        os.kill(pair.procs["server"].pid, 15)
        for p in pair.procs.values():
            p.wait(timeout=30)
    finally:
        for p in pair.procs.values():
            if p.poll() is None:
                p.kill()
    return "%d bad queries" % len(cases)


def expect_fail(args, why):
    rc, out, err = run_info(*args)
    assert rc == 1, (args, rc, out, err)
    assert why in err, (args, err)


def test_info_errors():
    """droce-info: each bad option or target names the problem and exits 1."""
    stale = os.path.join(TMP, "stale.sock")
    if os.path.exists(stale):
        os.unlink(stale)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.bind(stale)       # bound, never listening: what a dead process leaves behind
    cases = [
        (["--bogus"], "unknown option --bogus"),
        (["-x"], "unknown option -x"),
        (["--telemetry"], "--telemetry needs a value"),
        ([], "name exactly one port"),
        (["--ip", "192.0.2.1/24"], "name exactly one port"),
        (["--vdev", "net_ring0", "--telemetry", "1"], "no port options with it"),
        (["--vdev", "net_ring0", "extra"], "unexpected argument: extra"),
        (["--vdev", "net_ring0", "--mac", "zz"], "--mac zz: expected a unicast MAC"),
        (["--vdev", "net_ring0", "--ip", "300.1.1.1/24"], "--ip 300.1.1.1/24: not an"),
        (["--vdev", "net_nosuch0"], "cannot attach net_nosuch0"),
        (["--telemetry", "/nonexistent/dpdk_telemetry.v2"],
         "cannot reach /nonexistent/dpdk_telemetry.v2: No such file or directory"),
        (["--telemetry", "no-such-prefix"],
         "cannot reach %s/dpdk_telemetry.v2" % runtime_dir("no-such-prefix")),
        (["--telemetry", "999999999"], "cannot reach %s/dpdk_telemetry.v2" %
         runtime_dir("droce-999999999")),
        (["--telemetry", stale], "cannot reach %s: Connection refused" % stale),
    ]
    try:
        for args, why in cases:
            expect_fail(args, why)
    finally:
        s.close()
        os.unlink(stale)
    return "%d cases" % len(cases)


def main():
    tests = [test_local, test_info_errors, test_pid, test_telemetry, test_bad_queries]
    passed = failed = 0
    for t in tests:
        t0 = time.time()
        try:
            what = t()
            print("PASS %s (%.1f s): %s" % (t.__name__, time.time() - t0, what))
            passed += 1
        except Exception:
            print("FAIL %s (%.1f s):" % (t.__name__, time.time() - t0))
            traceback.print_exc(file=sys.stdout)
            failed += 1
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
