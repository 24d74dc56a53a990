#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""droce-rping against itself over a lossy veth link: the CM's retransmissions at work.

usage: rping_lossy.py <droce-rping> <tmp dir>

Three namespaces: the server's and the client's, each with a droce port on a veth end
(net_af_packet), and between them a bridge whose ports drop frames with nftables on
ingress (this kernel has no sch_netem; its netdev ingress hook and numgen do the job):
- every other CM MAD in each direction (RoCEv2 frames to destination QP 1): the first REQ,
  the first REP, the RTU, ... are lost, so no connection is set up, nor torn down,
  without CM retransmissions;
- 5 % of all RoCEv2 frames at random, so the RC transfers need go-back-N too.
Both sides run with --cm-timeout 14 (a retransmission every 134 ms) and -C 30 -V -v -S 2048;
both must exit 0 with rping's ping texts verified, and nftables' counters must show MADs
dropped in both directions and random losses. Then the new options' bad values are
refused with their error. Prints one line per case and 'N passed, M failed'.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, sh  # noqa: E402
from rping_self import ping_text, wait_all  # noqa: E402

RPING, TMP = sys.argv[1], sys.argv[2]
os.makedirs(TMP, exist_ok=True)
COUNT, SIZE = 30, 2048
ADDRS = ("192.0.2.1", "192.0.2.2")

# Each bridge port's ingress: QP1 frames alternate lost and kept; then random loss.
NFT = """
table netdev lossy {
    chain from_srv {
        type filter hook ingress device %(a)s priority 0;
        udp dport 4791 @th,104,24 1 numgen inc mod 2 0 counter drop
        udp dport 4791 numgen random mod 100 lt 5 counter drop
    }
    chain from_cli {
        type filter hook ingress device %(b)s priority 0;
        udp dport 4791 @th,104,24 1 numgen inc mod 2 0 counter drop
        udp dport 4791 numgen random mod 100 lt 5 counter drop
    }
}
"""


def not_pings(text):
    """A log without its (2 KiB) ping lines."""
    return "\n".join(line for line in text.splitlines() if "ping data" not in line)[-3000:]


def drops(ns):
    """nftables' counters: {chain: [MADs dropped, random drops]}."""
    out = json.loads(sh("ip", "netns", "exec", ns, "nft", "-j", "list", "table", "netdev",
                        "lossy").stdout)
    got = {}
    for item in out["nftables"]:
        rule = item.get("rule")
        if rule is None:
            continue
        n = [e["counter"]["packets"] for e in rule["expr"] if "counter" in e]
        got.setdefault(rule["chain"], []).extend(n)
    return got


def lossy_case():
    lab = Lab("rpl")
    try:
        srv_ns, cli_ns, link = lab.ns("srv"), lab.ns("cli"), lab.ns("link")
        lab.veth(srv_ns, link, kern_if="la")
        lab.veth(cli_ns, link, kern_if="lb")
        sh("ip", "-n", link, "link", "add", "br0", "type", "bridge")
        for port in ("la", "lb"):
            sh("ip", "-n", link, "link", "set", port, "master", "br0")
        sh("ip", "-n", link, "link", "set", "br0", "up")
        with tempfile.NamedTemporaryFile("w", suffix=".nft", delete=False) as f:
            f.write(NFT % {"a": "la", "b": "lb"})
        sh("ip", "netns", "exec", link, "nft", "-f", f.name)
        os.unlink(f.name)
        common = ["-C", str(COUNT), "-V", "-v", "-S", str(SIZE), "--cm-timeout", "14",
                  "--vdev", "net_af_packet0,iface=droce0"]
        srv = lab.run(srv_ns, [RPING, "-s", "--ip", ADDRS[0] + "/24"] + common,
                      os.path.join(TMP, "lossy.server.log"))
        srv.wait_for(r"^droce-rping: listening", timeout=60)
        cli = lab.run(cli_ns, [RPING, "-c", "-a", ADDRS[0], "--ip", ADDRS[1] + "/24"] + common,
                      os.path.join(TMP, "lossy.client.log"))
        wait_all([cli, srv], 120)
        for role, p in (("client", cli), ("server", srv)):
            if p.p.returncode != 0:
                raise AssertionError("%s exited %d:\n%s" % (role, p.p.returncode,
                                                            not_pings(p.text())))
        want = [ping_text(SIZE, i) for i in range(COUNT)]
        got = [line[len("ping data: "):] for line in cli.text().splitlines()
               if line.startswith("ping data: ")]
        assert got == want, "client verified %d of %d pings:\n%s" % (
            sum(a == b for a, b in zip(got, want)), COUNT, not_pings(cli.text()))
        d = drops(link)
        assert d["from_srv"][0] >= 1 and d["from_cli"][0] >= 2, \
            "CM MADs dropped (server side, client side): %s" % d
        assert d["from_srv"][1] + d["from_cli"][1] > 0, "no random loss happened: %s" % d
        return "MADs dropped %d from the server, %d from the client; %d frames lost at random" % (
            d["from_srv"][0], d["from_cli"][0], d["from_srv"][1] + d["from_cli"][1])
    finally:
        lab.close()


def refused(args, message):
    p = subprocess.run([RPING, "-s", "--vdev", "net_null0", "--ip", "192.0.2.1/24"] + args,
                       capture_output=True, text=True, timeout=60, check=False)
    assert p.returncode != 0, "%s: exit 0" % args
    assert message in p.stderr, "%s: no '%s' in: %s" % (args, message, p.stderr)


def bad_options_case():
    refused(["--cm-timeout", "0"], "--cm-timeout 0: expected a number from 1 to 31")
    refused(["--cm-timeout", "32"], "--cm-timeout 32: expected a number from 1 to 31")
    refused(["--cm-timeout", "x"], "--cm-timeout x: expected a number from 1 to 31")
    refused(["--cm-retries", "16"], "--cm-retries 16: expected a number from 1 to 15")
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
        f.write("[engine]\ncm_timeout = 40\n")
    try:
        refused(["--config", f.name], "--cm-timeout 40: expected a number from 1 to 31")
    finally:
        os.unlink(f.name)
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
        f.write("[engine]\ncm_backoff = 2\n")
    try:
        refused(["--config", f.name], "config: unknown key cm_backoff in [engine]")
    finally:
        os.unlink(f.name)
    return "6 refusals"


def main():
    passed = failed = 0
    for name, fn in (("droce-rping -C %d -V -S %d over a lossy veth link" % (COUNT, SIZE),
                      lossy_case),
                     ("--cm-timeout/--cm-retries bad values", bad_options_case)):
        t0 = time.time()
        try:
            what = fn()
            print("PASS %s (%.1f s): %s" % (name, time.time() - t0, what))
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
