#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""run_integration.py - the DNS integration test (meson suite 'integration').

Starts a private Knot DNS loaded with data/integration.zone and a black-hole
UDP server (knot_rig.py), then runs
  1. test_dns_live (cmocka: the libunbound backend, decoding, TCP fallback,
     threads, cache, timeout budget, DNSSEC validation of a zone Knot
     signs, with its key as trust anchor), and
  2. `inkan dns` against the same server, checking its JSON and exit codes.
Exit 0 when all pass, 77 (skip) when knotd is not installed.
Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import knot_rig  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def inkan_dns(inkan, server, *args, timeout=30):
    p = subprocess.run([inkan, "--json", "dns", "--dns-server", server] +
                       list(args), capture_output=True, text=True,
                       timeout=timeout)
    try:
        out = json.loads(p.stdout) if p.stdout.strip() else None
    except ValueError:
        out = None
    return p.returncode, out, p.stderr


def cli_checks(inkan, server, hole):
    rc, out, _ = inkan_dns(inkan, server, "multi.inkan.test")
    check(rc == 0 and out["records"][0]["text"] ==
          "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOC" and
          len(out["records"][0]["strings"]) == 3,
          "cli: multi-string TXT joined, strings kept")
    rc, out, _ = inkan_dns(inkan, server, "TXT", "two.inkan.test")
    check(rc == 0 and sorted(r["text"] for r in out["records"]) ==
          ["first", "second"], "cli: TYPE NAME order; two RRs apart")
    rc, out, _ = inkan_dns(inkan, server, "big.inkan.test")
    check(rc == 0 and len(out["records"]) == 24 and
          sum(len(r["text"]) for r in out["records"]) > 4096,
          "cli: 9.6 KB TXT RRset (TCP fallback)")
    rc, out, _ = inkan_dns(inkan, server, "nope.inkan.test")
    check(rc == 1 and out["rcode"] == "NXDOMAIN", "cli: NXDOMAIN exits 1")
    rc, out, _ = inkan_dns(inkan, server, "ent.inkan.test", "A")
    check(rc == 1 and out["rcode"] == "NOERROR" and
          out["outcome"] == "nodata", "cli: empty non-terminal is NODATA")
    rc, out, _ = inkan_dns(inkan, server, "alias.inkan.test")
    check(rc == 0 and out["cnames"] ==
          ["alias2.inkan.test", "target.inkan.test"], "cli: CNAME chain")
    t0 = time.monotonic()
    rc, out, _ = inkan_dns(inkan, hole, "--timeout", "500", "x.inkan.test")
    took = time.monotonic() - t0
    check(rc == 3 and out["timed_out"] and took < 0.5 + 2.0,
          "cli: no answer: exit 3 within the budget (%.2f s)" % took)
    # RFC 6303 zones go to the server we forward to, not answered locally
    rc, out, _ = inkan_dns(inkan, server, "5.0.0.10.in-addr.arpa", "PTR")
    check(rc == 0 and out["records"][0]["target"] == "relay.inkan.test",
          "cli: 10.in-addr.arpa PTR asked of the server (RFC 6303 zone)")
    rc, out, _ = inkan_dns(inkan, server, "25.2.0.192.in-addr.arpa", "PTR")
    check(rc == 0 and out["records"][0]["target"] == "mail.inkan.test",
          "cli: 2.0.192.in-addr.arpa PTR asked of the server")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--knotd", default="/usr/sbin/knotd")
    ap.add_argument("--test", required=True, help="test_dns_live binary")
    ap.add_argument("--inkan", required=True, help="inkan binary")
    args = ap.parse_args()
    if not os.access(args.knotd, os.X_OK):
        print("knotd not installed: skipping")
        return 77
    zone = os.path.join(here, "data", "integration.zone")
    signed = os.path.join(here, "data", "signed.zone")
    knot, hole = knot_rig.rig(args.knotd, [
        ("inkan.test", zone),
        ("signed.test", signed, "sign"),
        ("10.in-addr.arpa", os.path.join(here, "data", "reverse-10.zone")),
        ("2.0.192.in-addr.arpa",
         os.path.join(here, "data", "reverse-192-0-2.zone"))])
    server = "127.0.0.1@%d" % knot.port
    blackhole = "127.0.0.1@%d" % hole.port
    print("knotd on %s, black hole on %s" % (server, blackhole), flush=True)
    # the signed zone's KSK as trust anchor, and a wrong one (one byte of
    # the key changed) under which its answers are bogus
    ta = knot.trust_anchor("signed.test")
    with open(ta) as f:
        good = f.read()
    key_at = good.rindex(" ") + 10
    bogus = good[:key_at] + ("A" if good[key_at] != "A" else "B") + \
        good[key_at + 1:]
    bogus_ta = ta + ".bogus"
    with open(bogus_ta, "w") as f:
        f.write(bogus)
    env = dict(os.environ, INKAN_TEST_DNS_SERVER=server,
               INKAN_TEST_BLACKHOLE=blackhole,
               INKAN_TEST_TRUST_ANCHOR=ta, INKAN_TEST_BOGUS_ANCHOR=bogus_ta)
    rc = subprocess.call([args.test], env=env, timeout=300)
    check(rc == 0, "test_dns_live (exit %d)" % rc)
    cli_checks(args.inkan, server, blackhole)
    check(hole.received > 0, "the black hole was asked")
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
