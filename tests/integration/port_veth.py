# SPDX-License-Identifier: BSD-3-Clause
"""droce ports against the Linux kernel and each other, on real links.

usage: port_veth.py <droce-portd> <config dir> <tmp dir> [test name...]

Each test builds its own namespaces; the kernel end answers and asks as any Linux host
would (ping, ping -6, ARP, ND). Prints one line per test and 'N passed, M failed'.
"""
import os
import re
import socket
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, counters, sh  # noqa: E402

PORTD, CONFIG_DIR, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)


def ping(ns, addr, count=5):
    """Ping from a kernel namespace; returns the number of replies."""
    v6 = ["-6"] if ":" in addr else []
    r = sh("ip", "netns", "exec", ns, "ping", *v6, "-c", str(count), "-i", "0.2",
           "-W", "2", addr, check=False)
    m = re.search(r"(\d+) received", r.stdout)
    return int(m.group(1)) if m else 0


def kernel_pair(lab, v4="192.0.2.1/24", v6="2001:db8::1/64"):
    d, k = lab.ns("d"), lab.ns("k")
    lab.veth(d, k)
    lab.kernel_addr(k, "kern0", v4)
    lab.kernel_addr(k, "kern0", v6)
    return d, k


def send_udp(ns, addr, port, payload):
    """Send one UDP datagram from inside a namespace (the kernel builds the frame)."""
    code = ("import socket,sys;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
            "s.sendto(bytes.fromhex(sys.argv[3]),(sys.argv[1],int(sys.argv[2])))")
    sh("ip", "netns", "exec", ns, "/usr/bin/python3", "-c", code, addr, str(port),
       payload.hex())


def test_config_ping_resolve():
    """The example config: ping and ping -6 answered, ARP and ND resolve, failures named."""
    lab = Lab("drp")
    try:
        d, k = kernel_pair(lab)
        kmac = lab.mac(k, "kern0")
        p = lab.run(d, [PORTD, "--config", os.path.join(CONFIG_DIR, "droce-portd.ini"),
                        "--resolve", "192.0.2.1", "--resolve", "2001:db8::1",
                        "--resolve", "192.0.2.99", "--resolve", "2001:db8::99",
                        "--timeout", "8000"], os.path.join(TMP, "config.log"))
        p.wait_for(r"^ready port \d+ mac ([0-9a-f:]{17}) mtu 1500 path_mtu 1024$")
        assert p.wait_for(r"^resolved 192\.0\.2\.1 (\S+)$").group(1) == kmac
        assert p.wait_for(r"^resolved 2001:db8::1 (\S+)$").group(1) == kmac
        m = p.wait_for(r"^unresolved 192\.0\.2\.99: (.*)$")
        assert m.group(1) == "peer did not answer address resolution", m.group(1)
        m = p.wait_for(r"^unresolved 2001:db8::99: (.*)$")
        assert m.group(1) == "peer did not answer address resolution", m.group(1)
        assert ping(k, "192.0.2.2") == 5
        assert ping(k, "2001:db8::2") == 5
        # Traffic droce does not serve is counted and dropped; a bad RoCE frame is refused.
        send_udp(k, "192.0.2.2", 9999, b"not for droce")
        send_udp(k, "192.0.2.2", 4791, b"tiny")
        rc = p.stop()
        assert rc == 2, "exit status %d, want 2 (unresolved peers)" % rc
        c = counters(p.text())
        assert c.get("icmp_echo_rx") == 5 and c.get("icmp_echo_tx") == 5, c
        assert c.get("icmp6_echo_rx") == 5 and c.get("icmp6_echo_tx") == 5, c
        assert c.get("neigh_resolved") == 2 and c.get("neigh_failed") == 2, c
        # 3 tries each for the two silent peers, plus one for each live one
        assert c.get("arp_req_tx") == 4 and c.get("nd_ns_tx") == 4, c
        assert c.get("rx_other_dropped", 0) >= 1, c
        assert c.get("roce_drop_trunc_bth") == 1, c
        assert re.search(r"^    192\.0\.2\.1 +%s reachable$" % kmac, p.text(), re.M)
        assert re.search(r"^    192\.0\.2\.99 +\S+ failed$", p.text(), re.M)
    finally:
        lab.close()


def reserve_hugepages(n):
    path = "/proc/sys/vm/nr_hugepages"
    with open(path) as f:
        old = int(f.read())
    if old < n:
        with open(path, "w") as f:
            f.write(str(n))
    with open(path) as f:
        got = int(f.read())
    if not os.path.ismount("/dev/hugepages"):
        os.makedirs("/dev/hugepages", exist_ok=True)
        sh("mount", "-t", "hugetlbfs", "nodev", "/dev/hugepages")
    assert got >= n, "kernel gave %d of %d hugepages" % (got, n)
    return old


def test_hugepages_two_processes():
    """Two droce processes with hugepages at once: each gets its own file prefix."""
    lab = Lab("drh")
    old = reserve_hugepages(512)
    try:
        procs = []
        for i in range(2):
            d, k = lab.ns("d%d" % i), lab.ns("k%d" % i)
            lab.veth(d, k)
            lab.kernel_addr(k, "kern0", "192.0.2.1/24")
            p = lab.run(d, [PORTD, "--vdev", "net_af_packet0,iface=droce0", "--hugepages",
                            "--ip", "192.0.2.2/24", "--eal", "-m 256"],
                        os.path.join(TMP, "huge%d.log" % i))
            procs.append((p, k))
        for p, k in procs:
            p.wait_for(r"^ready port")
            assert ping(k, "192.0.2.2", 3) == 3
        for p, _ in procs:
            assert p.stop() == 0, p.text()
    finally:
        lab.close()
        with open("/proc/sys/vm/nr_hugepages", "w") as f:
            f.write(str(old))


def test_memif_resolve():
    """Two droce processes over net_memif resolve each other over ARP and ND."""
    lab = Lab("drm")
    sock = os.path.join(TMP, "memif-%d.sock" % os.getpid())
    try:
        srv = lab.run(None, [PORTD, "--vdev", "net_memif0,role=server,socket=%s" % sock,
                             "--ip", "192.0.2.1/24", "--ip", "2001:db8::1/64"],
                      os.path.join(TMP, "memif-srv.log"))
        smac = srv.wait_for(r"^ready port \d+ mac (\S+) mtu (\d+) path_mtu 1024$").group(1)
        cli = lab.run(None, [PORTD, "--vdev", "net_memif0,role=client,socket=%s" % sock,
                             "--ip", "192.0.2.2/24", "--ip", "2001:db8::2/64",
                             "--resolve", "192.0.2.1", "--resolve", "2001:db8::1",
                             "--timeout", "10000", "--duration", "0.5"],
                      os.path.join(TMP, "memif-cli.log"))
        assert cli.wait_for(r"^resolved 192\.0\.2\.1 (\S+)$").group(1) == smac
        assert cli.wait_for(r"^resolved 2001:db8::1 (\S+)$").group(1) == smac
        assert cli.p.wait(20) == 0, cli.text()
        srv.stop()
        c = counters(srv.text())
        assert c.get("arp_rep_tx", 0) >= 1 and c.get("nd_na_tx", 0) >= 1, c
    finally:
        lab.close()


def test_tap():
    """net_tap: the kernel's tap interface in the same namespace pings droce."""
    lab = Lab("drt")
    try:
        ns = lab.ns("t")
        p = lab.run(ns, [PORTD, "--vdev", "net_tap0,iface=dtap0", "--ip", "198.51.100.2/24"],
                    os.path.join(TMP, "tap.log"))
        p.wait_for(r"^ready port")
        sh("ip", "-n", ns, "addr", "add", "198.51.100.1/24", "dev", "dtap0")
        sh("ip", "-n", ns, "link", "set", "dtap0", "up")
        assert ping(ns, "198.51.100.2", 3) == 3
        assert p.stop() == 0
    finally:
        lab.close()


def test_af_xdp():
    """net_af_xdp on a veth: ping and ping -6 from the kernel."""
    lab = Lab("drx")
    try:
        d, k = kernel_pair(lab)
        # 'ip netns exec' mounts a fresh /sys: libxdp wants the BPF filesystem inside it.
        p = lab.run(d, ["sh", "-c", 'mount -t bpf bpf /sys/fs/bpf && exec "$@"', "sh",
                        PORTD, "--vdev", "net_af_xdp0,iface=droce0", "--ip", "192.0.2.2/24",
                        "--ip", "2001:db8::2/64"], os.path.join(TMP, "xdp.log"))
        p.wait_for(r"^ready port")
        assert ping(k, "192.0.2.2", 3) == 3
        assert ping(k, "2001:db8::2", 3) == 3
        assert p.stop() == 0
    finally:
        lab.close()


def expect_refusal(args, message, code=1):
    r = subprocess.run([PORTD] + args, capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    assert r.returncode == code, "%s: exit %d, want %d:\n%s" % (args, r.returncode, code, out)
    assert message in out, "%s: no '%s' in:\n%s" % (args, message, out)


def test_bad_input():
    """Bad options and configs are refused with a message that says what is wrong."""
    bad_cfg = os.path.join(TMP, "bad.ini")
    with open(bad_cfg, "w") as f:
        f.write("[port]\nvdev = net_ring0\nspeed = fast\n")
    expect_refusal(["--ip", "192.0.2.2/24"], "name exactly one port")
    expect_refusal(["--vdev", "net_null0"], "give the port an address")
    expect_refusal(["--vdev", "net_null0", "--ip", "192.0.2.300"], "not an IPv4 or IPv6")
    expect_refusal(["--vdev", "net_null0", "--ip", "192.0.2.2/33"], "not an IPv4 or IPv6")
    expect_refusal(["--vdev", "net_null0", "--ip", "224.0.0.1/4"],
                   "address 224.0.0.1/4: Invalid argument")
    expect_refusal(["--vdev", "net_null0", "--ip", "192.0.2.2", "--mtu", "100"],
                   "--mtu 100: expected a number from 576 to 65535")
    expect_refusal(["--vdev", "net_nosuchdriver0", "--ip", "192.0.2.2"],
                   "cannot attach net_nosuchdriver0: no such device")
    expect_refusal(["--vdev", "net_null0", "--ip", "192.0.2.2", "--mac", "01:00:5e:00:00:01"],
                   "expected a unicast MAC")
    expect_refusal(["--vdev", "net_null0", "--ip", "192.0.2.2", "--mac", "02:00:00:00:00"],
                   "expected a unicast MAC")
    expect_refusal(["--config", os.path.join(TMP, "missing.ini")], "cannot read or parse")
    expect_refusal(["--config", bad_cfg], "unknown key speed in [port]")
    expect_refusal(["--vdev", "net_null0", "--ip", "192.0.2.2", "--duration", "x"],
                   "--duration x: expected a number")


def test_mtu():
    """Path MTU follows the port MTU as rxe computes it; an MTU the device lacks is refused."""
    for mtu, pmtu in (("1500", 1024), ("1100", 512), ("4200", 4096), ("9000", 4096)):
        r = subprocess.run([PORTD, "--vdev", "net_null0", "--ip", "192.0.2.2", "--mtu", mtu,
                            "--duration", "0.1", "--quiet"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "mtu %s path_mtu %d\n" % (mtu, pmtu) in r.stdout, r.stdout
    lab = Lab("dru")
    try:
        d, _ = lab.ns("d"), lab.veth(lab.netns[0], lab.ns("k"))
        r = sh("ip", "netns", "exec", d, PORTD, "--vdev", "net_af_packet0,iface=droce0",
               "--ip", "192.0.2.2", "--mtu", "9000", check=False, timeout=60)
        out = r.stdout + r.stderr
        assert r.returncode == 1, out
        assert re.search(r"MTU 9000 outside the device range \d+\.\.1500", out), out
        assert "cannot attach net_af_packet0,iface=droce0: Invalid argument" in out, out
    finally:
        lab.close()


def tshark_count(pcap, filt):
    r = sh("tshark", "-r", pcap, "-Y", filt, "-T", "fields", "-e", "frame.number")
    return len(r.stdout.split())


def test_pcap_replay():
    """net_pcap: replay a real rxe capture into a port that owns the responder's MAC/IP."""
    cap = os.path.join(os.environ["DROCE_CAPTURES"], "rc_send.pcap")
    out = os.path.join(TMP, "replay-out.pcap")
    mac, ip = "52:54:00:77:00:01", "192.168.77.11"
    r = sh(PORTD, "--vdev", "net_pcap0,rx_pcap=%s,tx_pcap=%s" % (cap, out), "--mac", mac,
           "--ip", ip + "/24", "--duration", "1", timeout=60)
    c = counters(r.stdout)
    to_us = "eth.dst == %s" % mac
    assert c.get("roce_rx_ok") == tshark_count(cap, to_us + " && udp.dstport == 4791") > 0, c
    assert c.get("rx_not_mine") == tshark_count(cap, "eth.dst == 52:54:00:77:00:02"), c
    assert c.get("arp_req_rx") == 1 and c.get("arp_rep_tx") == 1, c
    assert sum(v for k, v in c.items() if k.startswith("roce_drop_")) == 0, c
    # The reply droce wrote, as tshark reads it.
    rep = sh("tshark", "-r", out, "-T", "fields", "-E", "separator=,", "-e", "arp.opcode",
             "-e", "arp.src.hw_mac", "-e", "arp.src.proto_ipv4", "-e", "arp.dst.hw_mac",
             "-e", "arp.dst.proto_ipv4").stdout.split()
    assert rep == ["2,%s,%s,52:54:00:77:00:02,192.168.77.12" % (mac, ip)], rep


TESTS = [test_mtu, test_pcap_replay, test_config_ping_resolve, test_hugepages_two_processes,
         test_memif_resolve, test_tap, test_af_xdp, test_bad_input]


def main():
    only = sys.argv[4:]
    passed = failed = 0
    for t in TESTS:
        if only and t.__name__ not in only:
            continue
        try:
            t()
            print("PASS %s" % t.__name__)
            passed += 1
        except Exception:
            print("FAIL %s" % t.__name__)
            traceback.print_exc()
            failed += 1
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
