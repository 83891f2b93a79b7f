#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""dmarc_peers.py - inkan's DMARC against OpenDMARC and Mail::DMARC.

The fifteen DMARC scenarios of tests/unit/test_dmarc_scenarios.c, as
messages and SPF/DKIM outcomes, evaluated by
  - inkan dmarc (RFC 9989, tree walk; and --rfc7489, PSL, for reference),
  - OpenDMARC 1.4.2 (`opendmarc -t`, fed SPF/DKIM through a trusted
    Authentication-Results header),
  - Mail::DMARC (PurePerl, via dmarc_maildmarc.pl),
all against the same DNS: a private Knot DNS serving dmarc_peers.zone as
the root zone on 127.0.0.1:53 inside a private network and mount
namespace (`unshare -mn`), with /etc/resolv.conf bind-mounted to point at
it (PEERS.md). For the timeout scenario the resolver is a black hole on
127.0.0.2:53.

inkan must give exactly the verdict the unit tests assert. A peer may
differ only where the difference is listed in KNOWN with the RFC section
that decides it (also in docs/dmarc-peers.md); any other difference, or a
listed one that no longer happens, fails the test.

Exit: 0 pass, 1 failure, 77 skip (not root, no unshare, no knotd, no
opendmarc, no Mail::DMARC). Standard library only; run with /usr/bin/python3.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

SKIP = 77

# id, From header value, MAIL FROM domain, HELO, SPF result,
# [(dkim result, d=, partial)], inkan (RFC 9989) verdict and disposition,
# inkan --rfc7489 verdict and disposition
SCENARIOS = [
    ("01 aligned DKIM only", "a@s01-inkan.com", "bounce.other.net",
     "mx.other.net", "fail", [("pass", "s01-inkan.com", 0)],
     ("pass", "none"), ("pass", "none")),
    ("02 SPF via custom MAIL FROM, relaxed", "a@s02-inkan.com",
     "bounce.s02-inkan.com", "mx.s02-inkan.com", "pass", [],
     ("pass", "none"), ("pass", "none")),
    ("03 SPF via custom MAIL FROM, aspf=s", "a@s03-inkan.com",
     "bounce.s03-inkan.com", "mx.s03-inkan.com", "pass", [],
     ("fail", "reject"), ("fail", "reject")),
    ("04 provider MAIL FROM", "a@s04-inkan.com", "amazonses.com",
     "a1.amazonses.com", "pass", [],
     ("fail", "quarantine"), ("fail", "quarantine")),
    ("05 existing subdomain, sp", "a@news.s05-inkan.com", "other.net",
     "mx.other.net", "fail", [("pass", "marketing.other.net", 0)],
     ("fail", "quarantine"), ("fail", "quarantine")),
    ("06 non-existent subdomain, np", "a@ghost.s05-inkan.com", "other.net",
     "mx.other.net", "fail", [],
     ("fail", "reject"), ("fail", "quarantine")),
    ("07a PSD psd=y, aligned subdomain", "a@mybank.bank",
     "other.net", "mx.other.net", "fail",
     [("pass", "mail.mybank.bank", 0)],
     ("pass", "none"), ("none", "none")),
    ("07b PSD psd=y, other registrant", "a@mybank.bank",
     "other.net", "mx.other.net", "fail", [("pass", "other.bank", 0)],
     ("fail", "quarantine"), ("none", "none")),
    ("08 t=y", "a@s08-inkan.com", "other.net", "mx.other.net", "fail", [],
     ("fail", "quarantine"), ("fail", "reject")),
    ("09 two DMARC records", "a@s09-inkan.com", "other.net",
     "mx.other.net", "fail", [],
     ("none", "none"), ("none", "none")),
    ("10 From with two domains", "a@s10-inkan.com, b@other10.net",
     "other.net", "mx.other.net", "fail", [("pass", "other10.net", 0)],
     ("fail", "reject"), ("fail", "reject")),
    ("11 display name holding an address",
     '"x@evil-inkan.net" <ceo@s11-inkan.com>', "evil-inkan.net",
     "mx.evil-inkan.net", "pass", [("pass", "evil-inkan.net", 0)],
     ("fail", "reject"), ("fail", "reject")),
    ("12 no p, valid rua", "a@s12-inkan.com", "other.net", "mx.other.net",
     "fail", [], ("fail", "none"), ("fail", "none")),
    ("13 pct=0", "a@s13-inkan.com", "other.net", "mx.other.net", "fail", [],
     ("fail", "reject"), ("fail", "quarantine")),
    ("14 DNS timeout on _dmarc", "a@s14-inkan.com", "s14-inkan.com",
     "mx.s14-inkan.com", "pass", [("pass", "s14-inkan.com", 0)],
     ("temperror", "none"), ("temperror", "none")),
    ("15 DKIM pass, l= short of the body", "a@s15-inkan.com", "other.net",
     "mx.other.net", "fail", [("pass", "s15-inkan.com", 1)],
     ("fail", "reject"), ("fail", "reject")),
]

TIMEOUT_SCENARIO = "14"
# what a peer cannot be told: the l= flag exists only in inkan's input
NOT_EXPRESSIBLE = {"15": "a peer reads DKIM outcomes from "
                   "Authentication-Results or a list of (domain, result): "
                   "it has no way to know a signature's l= was short"}

# (peer, scenario) -> (the peer's verdict/disposition, deciding RFC
# section, kind, why). A peer result listed here is accepted;
# docs/dmarc-peers.md has the same table.
SPEC = "RFC 7489 peer"      # the peer follows RFC 7489, which lacks this
BUG = "peer bug"            # wrong under RFC 7489 as well
HARNESS = "test mode"       # opendmarc -t shows less than a live milter
KNOWN = {
    ("opendmarc", "03"): (("pass", "none"), "RFC 9989 3.2.10.2 "
        "(RFC 7489 3.1.2)", BUG, "strict alignment means identical "
        "names; OpenDMARC calls its alignment check with the From and SPF "
        "domains swapped, then compares the SPF domain's organizational "
        "domain with the From domain, so bounce.s03-inkan.com passes "
        "aspf=s"),
    ("opendmarc", "04"): (("fail", "none"), "RFC 9989 4.7 p "
        "(RFC 7489 6.3)", HARNESS, "p=quarantine: the verdict agrees, but "
        "opendmarc -t reports dis=none; quarantine goes through "
        "smfi_quarantine(), which test mode does not show"),
    ("opendmarc", "05"): (("fail", "none"), "RFC 9989 4.10.1 sp "
        "(RFC 7489 6.3)", HARNESS, "sp=quarantine: as in 04, dis=none"),
    ("opendmarc", "06"): (("fail", "none"), "RFC 9989 4.7 np, 3.2.13",
        SPEC, "np=reject for a non-existent subdomain is ignored (sp "
        "applies; shown as dis=none as in 04)"),
    ("opendmarc", "07a"): (("none", "none"), "RFC 9989 4.10.1, 4.10.2 "
        "(psd=y)", SPEC, "no PSD policy discovery: the PSL's "
        "organizational domain mybank.bank has no record"),
    ("opendmarc", "07b"): (("none", "none"), "RFC 9989 4.10.1, 4.10.2 "
        "(psd=y)", SPEC, "as 07a"),
    ("opendmarc", "08"): (("fail", "reject"), "RFC 9989 4.7 t", SPEC,
        "t=y (apply one level softer) is unknown to RFC 7489"),
    ("opendmarc", "09"): (("fail", "none"), "RFC 9989 4.10 step 2 "
        "(RFC 7489 6.6.3 step 5)", BUG, "several records must all be "
        "discarded; OpenDMARC uses the first in the answer (Knot sends "
        "them in canonical order: p=none first)"),
    ("opendmarc", "10"): (("no result", "none"), "RFC 9989 11.5 "
        "(RFC 7489 6.6.1)", BUG, "a From with two domains gets no DMARC "
        "result and is accepted, so the spoofed s10-inkan.com (p=reject) "
        "is never checked"),
    ("opendmarc", "12"): (("permerror", "none"), "RFC 9989 4.10.1 "
        "(RFC 7489 6.6.3 step 6)", BUG, "a record without p but with a "
        "valid rua must be treated as p=none; OpenDMARC calls it a "
        "permerror"),
    ("opendmarc", "13"): (("fail", "none"), "RFC 7489 6.6.4; RFC 9989 "
        "Appendix A.6", BUG, "a sampled-out reject must become "
        "quarantine (RFC 7489); OpenDMARC accepts it. RFC 9989 removed "
        "pct, so inkan applies reject"),
    ("opendmarc", "14"): (("none", "none"), "RFC 9989 4.10.1, 5.3.6 "
        "(RFC 7489 6.6.3)", BUG, "a DNS timeout is a transient error, "
        "not \"no record\"; OpenDMARC treats it as no DMARC"),
    ("maildmarc", "06"): (("fail", "quarantine"), "RFC 9989 4.7 np, "
        "3.2.13", SPEC, "np is unknown to RFC 7489: sp applies"),
    ("maildmarc", "07a"): (("none", "none"), "RFC 9989 4.10.1, 4.10.2 "
        "(psd=y)", SPEC, "no PSD policy discovery"),
    ("maildmarc", "07b"): (("none", "none"), "RFC 9989 4.10.1, 4.10.2 "
        "(psd=y)", SPEC, "as 07a"),
    ("maildmarc", "08"): (("fail", "reject"), "RFC 9989 4.7 t", SPEC,
        "t=y is unknown to RFC 7489"),
    ("maildmarc", "09"): (("fail", "none"), "RFC 9989 4.10 step 2 "
        "(RFC 7489 6.6.3 step 5)", BUG, "it does discard both records "
        "(reason \"too many policies\") but reports result=fail where "
        "DMARC does not apply (none); the disposition agrees"),
    ("maildmarc", "10"): (("none", "none"), "RFC 9989 11.5 "
        "(RFC 7489 6.6.1)", BUG, "only the last address's domain "
        "(other10.net, no record) is evaluated; the spoofed first one, "
        "s10-inkan.com with p=reject, is not"),
    ("maildmarc", "13"): (("fail", "quarantine"), "RFC 9989 Appendix "
        "A.6, C.5.2", SPEC, "correct under RFC 7489 6.6.4 (inkan "
        "--rfc7489 agrees); RFC 9989 removed pct"),
    ("maildmarc", "14"): (("none", "none"), "RFC 9989 4.10.1, 5.3.6 "
        "(RFC 7489 6.6.3)", BUG, "the timeout is taken as \"domain not "
        "in DNS\" / no record instead of a temporary error"),
}


def check_root_tools(args):
    missing = [p for p in (args.knotd, args.opendmarc, args.inkan)
               if not os.access(p, os.X_OK)]
    if missing:
        return "not installed: " + ", ".join(missing)
    if subprocess.call(["perl", "-MMail::DMARC::PurePerl", "-e", "1"],
                       stderr=subprocess.DEVNULL) != 0:
        return "Mail::DMARC (libmail-dmarc-perl) not installed"
    if os.geteuid() != 0:
        return "needs root for unshare -mn (private network and mounts)"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "unshare or ip missing"
    return None


def reexec_in_namespace(args):
    env = dict(os.environ, INKAN_DMARC_NETNS="1")
    cmd = ["unshare", "-mn", "--", sys.executable] + sys.argv
    try:
        return subprocess.call(cmd, env=env)
    except OSError as e:
        print("skip: cannot unshare: %s" % e)
        return SKIP


class BlackHole:
    """Reads DNS questions on 127.0.0.2:53 and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.2", 53))
        self.sock.settimeout(0.2)
        self.stop_ev = threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop_ev.is_set():
            try:
                self.sock.recvfrom(4096)
            except OSError:
                pass

    def stop(self):
        self.stop_ev.set()
        self.t.join(2)
        self.sock.close()


def root_answers(port):
    """1 when the server answers ./SOA with NOERROR and an answer."""
    q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" \
        b"\x00\x00\x06\x00\x01"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.3)
    try:
        s.sendto(q, ("127.0.0.1", port))
        data, _ = s.recvfrom(4096)
        return len(data) >= 12 and data[3] & 0x0F == 0 and \
            int.from_bytes(data[6:8], "big") > 0
    except OSError:
        return False
    finally:
        s.close()


def message(tmp, sc):
    """The scenario as a message with a trusted Authentication-Results."""
    sid, frm, mfrom, helo, spf, dkim = sc[0].split()[0], sc[1], sc[2], \
        sc[3], sc[4], sc[5]
    res = ["spf=%s smtp.mailfrom=%s" % (spf, mfrom)]
    for r, d, _ in dkim:
        res.append("dkim=%s header.d=%s header.s=s1" % (r, d))
    text = ("Authentication-Results: test.example; %s\r\n"
            "From: %s\r\nTo: rcpt@receiver.example\r\n"
            "Subject: scenario %s\r\n"
            "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            "Message-ID: <%s@test.example>\r\n\r\nbody\r\n" %
            ("; ".join(res), frm, sid, sid))
    path = os.path.join(tmp, "s%s.eml" % sid)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_inkan(args, sc, eml, server, rfc7489):
    cmd = [args.inkan, "--dns-server", server, "--json", "dmarc",
           "--message", eml, "--spf", sc[4], "--mail-from", sc[2],
           "--helo", sc[3]]
    for r, d, partial in sc[5]:
        cmd += ["--dkim", "%s:%s%s" % (r, d, ":partial" if partial else "")]
    if rfc7489:
        cmd.append("--rfc7489")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    try:
        v = json.loads(p.stdout)["verdict"]
        return (v["result"], v["disposition"])
    except (ValueError, KeyError):
        return ("error", p.stderr.strip()[:80])


def run_opendmarc(args, sc, eml, conf):
    env = dict(os.environ, OPENDMARC_TEST_CLIENTIP="192.0.2.99",
               OPENDMARC_TEST_ENVFROM="<x@%s>" % sc[2],
               OPENDMARC_TEST_HELOHOST=sc[3])
    p = subprocess.run([args.opendmarc, "-c", conf, "-vv", "-t", eml],
                       capture_output=True, text=True, timeout=60, env=env)
    out = p.stdout + p.stderr
    if os.environ.get("INKAN_DMARC_DEBUG"):
        print("--- opendmarc %s\n%s" % (sc[0], out))
    # no A-R field is added when it rejects or tempfails: the milter
    # return code says what it did
    if "returned SMFIS_REJECT" in out:
        return ("fail", "reject")
    if "returned SMFIS_TEMPFAIL" in out:
        return ("temperror", "none")
    m = re.search(r"hvalue='[^;]*; dmarc=(\w+) \(p=\w+ dis=(\w+)\)", out)
    if m:
        return (m.group(1), m.group(2).lower())
    m = re.search(r"hvalue='[^;]*; dmarc=(\w+)", out)
    if m:
        return (m.group(1), "none")
    return ("no result", "none")


def run_maildmarc(sc):
    cmd = ["perl", os.path.join(HERE, "dmarc_maildmarc.pl"), sc[1], sc[2],
           sc[4]] + ["%s:%s" % (r, d) for r, d, _ in sc[5]]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    try:
        v = json.loads(p.stdout)
    except ValueError:
        return ("error", p.stderr.strip()[:80])
    if "error" in v:
        return ("error", v["error"][:60])
    return (v.get("result") or "?", v.get("disposition") or "none")


def set_resolver(resolv, server):
    # rewrite in place: the bind mount follows the inode
    with open(resolv, "w") as f:
        f.write("nameserver %s\noptions timeout:1 attempts:1\n" % server)


def main_in_namespace(args):
    import knot_rig
    failures = []
    subprocess.check_call(["ip", "link", "set", "lo", "up"])
    tmp = tempfile.mkdtemp(prefix="inkan-dmarc-peers-")
    resolv = os.path.join(tmp, "resolv.conf")
    set_resolver(resolv, "127.0.0.1")
    subprocess.check_call(["mount", "--bind", resolv, "/etc/resolv.conf"])
    conf = os.path.join(tmp, "opendmarc.conf")
    with open(conf, "w") as f:
        f.write("AuthservID test.receiver\nTrustedAuthservIDs test.example\n"
                "Syslog false\nSPFSelfValidate false\n"
                "SPFIgnoreResults false\nRejectFailures true\n"
                "IgnoreAuthenticatedClients false\n"
                "PublicSuffixList /usr/share/publicsuffix/"
                "public_suffix_list.dat\n")
    knot_rig.free_port = lambda: 53      # resolv.conf cannot name a port
    # knot_rig's readiness probe cannot spell the root zone's name
    probe = knot_rig.answers
    knot_rig.answers = lambda port, zone, timeout=0.3: (
        root_answers(port) if zone == "." else probe(port, zone, timeout))
    knot = knot_rig.Knot(args.knotd, [(".", os.path.join(
        HERE, "dmarc_peers.zone"))])
    hole = None
    rows = []
    try:
        knot.start()
        hole = BlackHole()
        for sc in SCENARIOS:
            sid = sc[0].split()[0]
            eml = message(tmp, sc)
            timeout = sid == TIMEOUT_SCENARIO
            server = "127.0.0.2" if timeout else "127.0.0.1"
            set_resolver(resolv, server)
            ours = run_inkan(args, sc, eml, server + "@53", False)
            ours7489 = run_inkan(args, sc, eml, server + "@53", True)
            odm = run_opendmarc(args, sc, eml, conf)
            mdm = run_maildmarc(sc)
            set_resolver(resolv, "127.0.0.1")
            rows.append((sc[0], ours, ours7489, odm, mdm))
            if ours != sc[6]:
                failures.append("%s: inkan gave %s, want %s" %
                                (sc[0], ours, sc[6]))
            if ours7489 != sc[7]:
                failures.append("%s: inkan --rfc7489 gave %s, want %s" %
                                (sc[0], ours7489, sc[7]))
            for peer, got in (("opendmarc", odm), ("maildmarc", mdm)):
                if sid in NOT_EXPRESSIBLE:
                    continue
                known = KNOWN.get((peer, sid))
                if known is None and got != ours:
                    failures.append("%s: %s gave %s, inkan %s (not in "
                                    "KNOWN)" % (sc[0], peer, got, ours))
                elif known is not None and got != known[0]:
                    failures.append("%s: %s gave %s; KNOWN says %s" %
                                    (sc[0], peer, got, known[0]))
    finally:
        if hole is not None:
            hole.stop()
        knot.stop()
        subprocess.call(["umount", "/etc/resolv.conf"])
        shutil.rmtree(tmp, ignore_errors=True)
    fmt = "%-40s %-22s %-22s %-22s %-22s"
    print(fmt % ("scenario", "inkan (RFC 9989)", "inkan --rfc7489",
                 "OpenDMARC 1.4.2", "Mail::DMARC"))
    for name, a, b, c, d in rows:
        print(fmt % (name[:40], "/".join(a), "/".join(b), "/".join(c),
                     "/".join(d)))
    print()
    for (peer, sid), (got, sec, kind, why) in sorted(KNOWN.items()):
        print("known: %s %s gives %s (%s; %s): %s" %
              (peer, sid, "/".join(got), kind, sec, why))
    for sid, why in NOT_EXPRESSIBLE.items():
        print("not compared: scenario %s: %s" % (sid, why))
    for f in failures:
        print("FAIL " + f)
    print("%d scenarios, %d failures" % (len(rows), len(failures)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inkan", required=True)
    ap.add_argument("--knotd", default="/usr/sbin/knotd")
    ap.add_argument("--opendmarc", default="/usr/sbin/opendmarc")
    args = ap.parse_args()
    if os.environ.get("INKAN_DMARC_NETNS") != "1":
        why = check_root_tools(args)
        if why is not None:
            print("skip: " + why)
            return SKIP
        return reexec_in_namespace(args)
    return main_in_namespace(args)


if __name__ == "__main__":
    sys.exit(main())
