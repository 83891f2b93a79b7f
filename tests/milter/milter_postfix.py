#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""milter_postfix.py - inkan-milter in a real Postfix (suite 'milter').

Everything on 127.0.0.1, started and stopped here:
  - Knot DNS (tests/integration/knot_rig.py, with the TSIG/UPDATE set-up
    of domain_knot.py so that `inkan domain rotate` can publish), serving
    the domains below; the milter reaches it through dns_server;
  - inkan-milter on a free port, as user nobody (the suite runs as root);
  - a private Postfix instance (postfix_rig.py) with two smtpd ports:
    "mx" (verify) and "submission" (milter_macro_daemon_name=submission,
    which the milter's sign_daemons names: sign), relaying to smtp-sink.

Domains:  sign.test    signs (RSA + Ed25519), MAIL FROM bounce.sign.test
          mfkeep.test  signs; its MAIL FROM subdomain has no MX: keep
          mffail.test  signs; its MAIL FROM subdomain has no MX: tempfail
          good.test    inbound, signed with its key, SPF 127.0.0.1, reject
          reject.test  inbound spoof target: SPF -all, p=reject
          quar.test    inbound: SPF -all, p=quarantine
          fwd.test     the first milter's ARC sealing key (arc_seal_*)

Cases (issue 11): 1 signing verified by dkimpy and opendkim -t at the
sink; 2 aligned inbound: one A-R with dmarc=pass, forged A-R removed,
foreign kept; 3 p=reject spoof: 550 5.7.1; 4 DNS dead: 451 4.7.x;
5 p=quarantine: held (postqueue -j); 6 MAIL FROM rewritten, and both
fallbacks; 7 kill -9 under load; 8 SIGHUP after `inkan domain rotate`;
9 load (count: --load; meson runs the issue's 20,000).
Issue 14: "arc", the forwarder case: a message a list already sealed
(i=1) gets a second set (i=2, cv=pass) from the sealing milter, which
`inkan arc verify` and dkimpy's arc_verify validate at the sink.

Exit 0 all pass, 1 a failure, 77 skip (not root, or no postfix/knotd).
"""
import argparse
import base64
import os
import pwd
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import knot_rig  # noqa: E402
import postfix_rig  # noqa: E402

MILTER_USER = "nobody"
AUTHSERV = "mx.verify.test"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


# ---- DNS ---------------------------------------------------------------

KEY_NAME = "inkan-milter-test"
SECRET = base64.b64encode(os.urandom(32)).decode()


class UpdateKnot(knot_rig.Knot):
    """Knot with a TSIG key allowed to update sign.test (for rotate)."""

    def _write_config(self):
        conf = super()._write_config()
        with open(conf) as f:
            text = f.read()
        head = ["key:", "  - id: %s" % KEY_NAME,
                "    algorithm: hmac-sha256", "    secret: %s" % SECRET,
                "acl:", "  - id: upd", "    key: %s" % KEY_NAME,
                "    action: update", ""]
        text = text.replace("zone:\n", "\n".join(head) + "zone:\n", 1)
        line = '    file: "sign.test.zone"\n'
        text = text.replace(line, line + "    acl: upd\n")
        with open(conf, "w") as f:
            f.write(text)
        return conf


def soa(origin):
    return ("$ORIGIN %s.\n$TTL 60\n@ IN SOA ns.test. hostmaster.test. 1 "
            "3600 600 86400 60\n@ IN NS ns.test.\n" % origin)


class Tools:
    def __init__(self, inkan, milter, work):
        self.inkan = inkan
        self.milter = milter
        self.work = work

    def run(self, *args, check_rc=True):
        r = subprocess.run([self.inkan] + list(args), capture_output=True,
                           text=True, timeout=120)
        if check_rc and r.returncode != 0:
            raise RuntimeError("inkan %s: %s" % (" ".join(args), r.stderr))
        return r

    def setup(self, domain, *extra):
        state = os.path.join(self.work, "state", domain)
        r = self.run("domain", "setup", domain, "--state", state,
                     "--format", "zone", *extra)
        return state, r.stdout


def zone_lines(text, drop_mx=False):
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        if drop_mx and " IN MX " in line:
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def build_zones(t):
    """State directories and zone files; returns (states, zones)."""
    states = {}
    common = ["--spf-ip", "127.0.0.1", "--dmarc-policy", "reject"]
    states["sign.test"], z_sign = t.setup(
        "sign.test", "--key-type", "both", "--mail-from", "bounce",
        "--mail-from-mx", "mx.sign.test", *common)
    states["mfkeep.test"], z_keep = t.setup(
        "mfkeep.test", "--key-type", "rsa", "--mail-from", "bounce",
        "--mail-from-mx", "mx.mfkeep.test", *common)
    states["mffail.test"], z_fail = t.setup(
        "mffail.test", "--key-type", "rsa", "--mail-from", "bounce",
        "--mail-from-mx", "mx.mffail.test", *common)
    states["good.test"], z_good = t.setup(
        "good.test", "--key-type", "rsa", "--no-mail-from", *common)
    # the milter's ARC sealing key (case arc): RSA, dkimpy's ARC code
    # knows only rsa-sha256
    states["fwd.test"], z_fwd = t.setup(
        "fwd.test", "--key-type", "rsa", "--no-mail-from", *common)
    zdir = os.path.join(t.work, "zones")
    os.makedirs(zdir)
    parent = soa("test") + "ns IN A 127.0.0.1\n"
    parent += zone_lines(z_keep, drop_mx=True)
    parent += zone_lines(z_fail, drop_mx=True)
    parent += zone_lines(z_good)
    parent += zone_lines(z_fwd)
    parent += ('reject.test. IN TXT "v=spf1 ip4:192.0.2.1 -all"\n'
               '_dmarc.reject.test. IN TXT "v=DMARC1; p=reject"\n'
               'mon.test. IN TXT "v=spf1 -all"\n'
               '_dmarc.mon.test. IN TXT "v=DMARC1; p=reject"\n'
               'quar.test. IN TXT "v=spf1 -all"\n'
               '_dmarc.quar.test. IN TXT "v=DMARC1; p=quarantine"\n'
               'verify.test. IN TXT "v=spf1 -all"\n'
               'mx.verify.test. IN A 127.0.0.1\n')
    with open(os.path.join(zdir, "test.zone"), "w") as f:
        f.write(parent)
    with open(os.path.join(zdir, "sign.test.zone"), "w") as f:
        f.write(soa("sign.test") + zone_lines(z_sign))
    return states, [("test.", os.path.join(zdir, "test.zone")),
                    ("sign.test.", os.path.join(zdir, "sign.test.zone"))]


def give_to_milter_user(path):
    """The milter reads its keys again on SIGHUP, after dropping to
    MILTER_USER: the state directories are that user's."""
    pw = pwd.getpwnam(MILTER_USER)
    for root, dirs, files in os.walk(path):
        os.chown(root, pw.pw_uid, pw.pw_gid)
        for f in files:
            os.chown(os.path.join(root, f), pw.pw_uid, pw.pw_gid)


# ---- the milter ----------------------------------------------------------

class Milter:
    def __init__(self, binary, work, dns, states, extra="", port=None,
                 dns_timeout=1500):
        self.binary = binary
        self.work = work
        self.port = port or postfix_rig.free_port()
        self.stats_port = postfix_rig.free_port()
        self.conf = os.path.join(work, "inkan-milter.conf")
        self.log = os.path.join(work, "milter.log")
        self.proc = None
        with open(self.conf, "w") as f:
            f.write("socket = inet:%d@127.0.0.1\n" % self.port +
                    "user = %s\n" % MILTER_USER +
                    "log = stderr\n"
                    "authserv_id = %s\n" % AUTHSERV +
                    "dns_server = %s\n" % dns +
                    "dns_timeout_ms = %d\n" % dns_timeout +
                    "time_budget_ms = 5000\n"
                    "sign_daemons = submission, local\n"
                    "quarantine = hold\n"
                    "received_spf = yes\n"
                    "monitor_domains = mon.test\n"
                    "stats_port = %d\n" % self.stats_port +
                    "report_store = sqlite:%s/reports/rows.db\n" % work +
                    "mail_from = sign.test bounce.sign.test\n"
                    "mail_from = mfkeep.test bounce.mfkeep.test keep\n"
                    "mail_from = mffail.test bounce.mffail.test "
                    "tempfail\n" +
                    "".join("sign_domain = %s %s\n" % (d, s)
                            for d, s in sorted(states.items())
                            if d not in ("good.test", "fwd.test")) +
                    extra)

    def start(self):
        logf = open(self.log, "a")
        self.proc = subprocess.Popen(
            [self.binary, "-c", self.conf, "-f"], stdin=subprocess.DEVNULL,
            stdout=logf, stderr=logf, preexec_fn=knot_rig.die_with_parent)
        if not postfix_rig.wait_port(self.port, 15):
            raise RuntimeError("milter did not start: " + self.log_text())
        return self

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def stats(self):
        r = subprocess.run([self.binary, "--stats", "-c", self.conf],
                           capture_output=True, text=True, timeout=10)
        out = {}
        for line in r.stdout.splitlines():
            if line.startswith("inkan_milter_"):
                k, v = line.split()
                out[k[len("inkan_milter_"):]] = int(v)
        return out


# ---- SMTP ----------------------------------------------------------------

def message(frm, subject, extra_headers="", body="Hello.\r\n"):
    return ("%sFrom: <%s>\r\nTo: <rcpt@dest.example>\r\nSubject: %s\r\n"
            "Message-ID: <%s@inkan.test>\r\nDate: Thu, 3 Dec 2026 "
            "12:00:00 +0000\r\n\r\n%s" % (extra_headers, frm, subject,
                                          subject.replace(" ", "-"), body))


def send(port, mail_from, data, rcpt="rcpt@dest.example"):
    """(code, text) of the reply to the end of DATA (or to the first
    command refused)."""
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=60)
        try:
            s.ehlo("client.example")
            code, text = s.mail(mail_from)
            if code != 250:
                return code, text.decode(errors="replace")
            code, text = s.rcpt(rcpt)
            if code != 250:
                return code, text.decode(errors="replace")
            code, text = s.data(data.encode()
                                if isinstance(data, str) else data)
            return code, text.decode(errors="replace")
        finally:
            try:
                s.quit()
            except (smtplib.SMTPException, OSError):
                pass
    except smtplib.SMTPResponseException as e:
        # a refusal in the greeting (SMTPConnectError) or a 421 that
        # closed the session: the client got that code
        return e.smtp_code, str(e.smtp_error)
    except (smtplib.SMTPException, OSError) as e:
        return -1, str(e)


def by_subject(rig, subject, wait=30.0):
    """The sink's message with SUBJECT, waiting up to WAIT seconds."""
    end = time.monotonic() + wait
    while True:
        for path, raw in rig.sink_messages():
            env, msg = postfix_rig.envelope(raw)
            if ("Subject: %s\n" % subject).encode() in msg:
                return env, msg
        if time.monotonic() >= end:
            return None, None
        time.sleep(0.1)


def headers(msg, name):
    """Unfolded values of header NAME."""
    head = msg.split(b"\n\n", 1)[0].decode(errors="replace")
    out = []
    for field in re.split(r"\n(?=[^ \t])", head):
        k, _, v = field.partition(":")
        if k.strip().lower() == name.lower():
            out.append(" ".join(v.split()))
    return out


# ---- verifiers at the sink -------------------------------------------------

def dns_txt(knot_port, name):
    import dns.message
    import dns.query
    q = dns.message.make_query(name, "TXT")
    r = dns.query.udp(q, "127.0.0.1", timeout=3, port=knot_port)
    for rrset in r.answer:
        for rr in rrset:
            return b"".join(rr.strings)
    return None


def dkimpy_verify(msg, knot_port):
    import dkim
    wire = msg.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    d = dkim.DKIM(wire, minkey=1024)
    n = len(headers(msg, "DKIM-Signature"))
    ok = []
    for i in range(n):
        try:
            ok.append(bool(d.verify(idx=i, dnsfunc=lambda name, timeout=5:
                                    dns_txt(knot_port, name.decode()))))
        except dkim.DKIMException:
            ok.append(False)
    return ok


def opendkim_verify(msg, knot_port, selectors):
    """opendkim -t with TestPublicKeys; its files must not live under a
    world-writable directory (/tmp), so they go under ~/.cache."""
    base = os.path.join(os.path.expanduser("~"), ".cache")
    os.makedirs(base, mode=0o700, exist_ok=True)
    d = tempfile.mkdtemp(prefix="inkan-milter-odk-", dir=base)
    try:
        keys = os.path.join(d, "keys")
        with open(keys, "w") as f:
            for sel in selectors:
                name = "%s._domainkey.sign.test" % sel
                f.write("%s %s\n" % (name, dns_txt(knot_port, name)
                                     .decode()))
        conf = os.path.join(d, "verify.conf")
        with open(conf, "w") as f:
            f.write("Mode v\nTestPublicKeys %s\nAuthservID test.example\n"
                    "Syslog no\n" % keys)
        path = os.path.join(d, "m.eml")
        with open(path, "wb") as f:
            f.write(msg.replace(b"\r\n", b"\n"))
        r = subprocess.run(["opendkim", "-x", conf, "-t", path, "-vv"],
                           capture_output=True, text=True, timeout=60)
        out = r.stdout + r.stderr
        return out.count("succeeded"), out.count("failed"), out
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---- the cases ---------------------------------------------------------------

def case_sign(rig, knot, milter):
    code, text = send(rig.sub_port, "alice@sign.test",
                      message("alice@sign.test", "case1 sign"))
    check(code == 250, "1: internal submission accepted (%s %s)" %
          (code, text))
    rig.wait_delivered(1, 60)
    env, msg = by_subject(rig, "case1 sign")
    if not check(msg is not None, "1: the message reached the sink"):
        return
    sigs = headers(msg, "DKIM-Signature")
    sels = re.findall(r"\bs=([^;\s]+)", " ".join(sigs))
    algs = sorted(re.findall(r"\ba=([^;\s]+)", " ".join(sigs)))
    check(len(sigs) == 2 and algs == ["ed25519-sha256", "rsa-sha256"],
          "1: signed with RSA and Ed25519 in one pass (%s)" % algs)
    ok = dkimpy_verify(msg, knot.port)
    check(ok and all(ok), "1: dkimpy verifies every signature %s" % ok)
    good, bad, out = opendkim_verify(msg, knot.port, sels)
    check(good >= 1 and bad == 0, "1: opendkim -t verifies (%d "
          "succeeded, %d failed) %s" % (good, bad,
                                        "" if bad == 0 else out[-400:]))
    # re-injection: the signed message comes back through the MTA (a
    # content filter, a list): it is not signed again
    again = msg.replace(b"Subject: case1 sign", b"Subject: case1 again")
    code, _ = send(rig.sub_port, "alice@sign.test", again)
    rig.wait_delivered(2, 60)
    _, back = by_subject(rig, "case1 again")
    check(code == 250 and back is not None and
          len(headers(back, "DKIM-Signature")) == 2 and
          "re-injection" in milter.log_text(),
          "re-injection: a message with our fresh signature is not signed "
          "again (%d signatures)" %
          len(headers(back or b"", "DKIM-Signature")))
    # a From domain without keys: no signature (no default domain)
    code, _ = send(rig.sub_port, "x@nokey.test",
                   message("x@nokey.test", "case1 nokey"))
    rig.wait_delivered(3, 60)
    _, nokey = by_subject(rig, "case1 nokey")
    check(code == 250 and nokey is not None and
          not headers(nokey, "DKIM-Signature") and
          "no key for From domain nokey.test" in milter.log_text(),
          "a From domain without keys is not signed with another's key")
    # local submission: sendmail(1) -> pickup -> cleanup's
    # non_smtpd_milters, named "local" (milter_macro_daemon_name)
    rc = rig.sendmail("alice@sign.test", "rcpt@dest.example",
                      message("alice@sign.test", "case1 local").encode())
    _, local = by_subject(rig, "case1 local", wait=60)
    check(rc == 0 and local is not None and
          len(headers(local, "DKIM-Signature")) == 2,
          "1: local submission through sendmail(1) (non_smtpd_milters) "
          "is signed")
    # case 6 rides on the same message
    mail = env.get("X-Mail-Args", "")
    check(mail.startswith("<ik+alice=sign.test@bounce.sign.test>"),
          "6: MAIL FROM rewritten under bounce.sign.test (%s)" % mail)
    return sels


def case_mail_from_fallbacks(rig):
    code, text = send(rig.sub_port, "carol@mfkeep.test",
                      message("carol@mfkeep.test", "case6 keep"))
    check(code == 250, "6: keep fallback: accepted (%s)" % code)
    rig.wait_delivered(1, 60)
    env, msg = by_subject(rig, "case6 keep")
    check(env is not None and
          env.get("X-Mail-Args", "").startswith("<carol@mfkeep.test>") and
          len(headers(msg, "DKIM-Signature")) == 1,
          "6: keep fallback: original MAIL FROM kept, still signed (%s)" %
          (env or {}).get("X-Mail-Args"))
    code, text = send(rig.sub_port, "dave@mffail.test",
                      message("dave@mffail.test", "case6 fail"))
    check(code // 100 == 4 and "4.7.0" in text,
          "6: tempfail fallback: %s %s" % (code, text))


def case_inbound_aligned(rig, t, states):
    st = states["good.test"]
    keyfile = [f for f in os.listdir(st) if f.endswith(".pem")][0]
    sel = keyfile[:-4]
    raw = message("bob@good.test", "case2 aligned",
                  extra_headers="Authentication-Results: %s; dmarc=pass "
                  "header.from=good.test\r\nAuthentication-Results: "
                  "other.example; spf=pass smtp.mailfrom=good.test\r\n"
                  % AUTHSERV)
    path = os.path.join(t.work, "case2.eml")
    with open(path, "w") as f:
        f.write(raw)
    signed = t.run("sign", "--domain", "good.test", "--selector", sel,
                   "--key", os.path.join(st, keyfile), path).stdout
    code, text = send(rig.mx_port, "bob@good.test", signed)
    check(code == 250, "2: aligned inbound accepted (%s %s)" % (code, text))
    rig.wait_delivered(1, 60)
    env, msg = by_subject(rig, "case2 aligned")
    if not check(msg is not None, "2: reached the sink"):
        return
    ars = headers(msg, "Authentication-Results")
    ours = [a for a in ars if a.startswith(AUTHSERV)]
    check(len(ours) == 1 and "dmarc=pass" in ours[0] and
          "spf=pass" in ours[0] and "dkim=pass" in ours[0],
          "2: one A-R of ours with spf, dkim and dmarc=pass: %s" % ours)
    check(not any("header.from=good.test" in a and "spf=" not in a
                  for a in ours), "2: the forged A-R is gone")
    check(any(a.startswith("other.example") for a in ars),
          "2: the foreign A-R is kept")
    rspf = headers(msg, "Received-SPF")
    check(len(rspf) == 1 and rspf[0].startswith("pass ") and
          "client-ip=127.0.0.1;" in rspf[0],
          "2: Received-SPF (received_spf = yes): %s" % rspf)


def arc_seal_conf(states):
    """Sealing by fwd.test (case arc), for the first milter only."""
    st = states["fwd.test"]
    keyfile = [f for f in os.listdir(st) if f.endswith(".pem")][0]
    return ("arc_seal_domain = fwd.test\narc_seal_selector = %s\n"
            "arc_seal_key = %s\n" % (keyfile[:-4],
                                      os.path.join(st, keyfile)))


def case_arc_seal(rig, t, knot, states):
    """arc: the forwarder case. A message that a list (good.test) already
    sealed (i=1) goes through a milter with sealing configured: it
    arrives with a second set (i=2, cv=pass, d=fwd.test) on top, which
    inkan and dkimpy both validate."""
    import dkim
    st = states["good.test"]
    keyfile = [f for f in os.listdir(st) if f.endswith(".pem")][0]
    path = os.path.join(t.work, "case9.eml")
    with open(path, "w") as f:
        f.write(message("bob@good.test", "case9 arc"))
    signed = t.run("sign", "--domain", "good.test", "--selector",
                   keyfile[:-4], "--key", os.path.join(st, keyfile),
                   path).stdout
    with open(path, "w") as f:
        f.write(signed)
    sealed = t.run("--dns-server", "127.0.0.1@%d" % knot.port, "arc",
                   "seal", "--domain", "good.test", "--selector",
                   keyfile[:-4], "--key", os.path.join(st, keyfile),
                   "--authserv-id", "lists.good.test", "--ip", "127.0.0.1",
                   "--helo", "lists.good.test", "--mail-from",
                   "bob@good.test", path).stdout
    code, text = send(rig.mx_port, "bob@good.test", sealed)
    check(code == 250, "arc: sealed inbound accepted (%s %s)" % (code, text))
    env, msg = by_subject(rig, "case9 arc")
    if not check(msg is not None, "arc: reached the sink"):
        return
    head = msg.split(b"\n\n", 1)[0].decode(errors="replace")
    arc = [ln.split(":", 1)[0] for ln in head.split("\n")
           if ln.lower().startswith("arc-")]
    check(arc[:3] == ["ARC-Seal", "ARC-Message-Signature",
                      "ARC-Authentication-Results"] and len(arc) == 6,
          "arc: a new set on top, AS, AMS, AAR: %s" % arc)
    seals = headers(msg, "ARC-Seal")
    check(len(seals) == 2 and "i=2" in seals[0] and "cv=pass" in seals[0]
          and "d=fwd.test" in seals[0],
          "arc: the new seal is i=2 cv=pass d=fwd.test: %s" %
          (seals[:1],))
    aar = headers(msg, "ARC-Authentication-Results")
    check(len(aar) == 2 and aar[0].startswith("i=2; %s;" % AUTHSERV) and
          "arc=pass" in aar[0] and "dmarc=pass" in aar[0],
          "arc: the AAR records our verdicts: %s" % (aar[:1],))
    out = os.path.join(t.work, "case9.out.eml")
    with open(out, "wb") as f:
        f.write(msg)
    r = t.run("--dns-server", "127.0.0.1@%d" % knot.port, "arc", "verify",
              out, check_rc=False)
    first = (r.stdout.splitlines() or [""])[0]
    check(r.returncode == 0 and first.startswith("arc=pass"),
          "arc: inkan arc verify: %s %s" % (first, r.stderr.strip()))
    wire = msg.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    cv, results, why = dkim.arc_verify(
        wire, dnsfunc=lambda name, timeout=5:
        dns_txt(knot.port, name.decode()))
    check(cv == dkim.CV_Pass and
          sorted(x.get("instance") for x in results) == [1, 2],
          "arc: dkimpy arc_verify: %s %s %s" % (cv, why, results[:1]))


def case_reject(rig):
    code, text = send(rig.mx_port, "mallory@reject.test",
                      message("ceo@reject.test", "case3 spoof"))
    check(code == 550 and "5.7.1" in text and "reject.test" in text,
          "3: spoofed p=reject From: %s %s" % (code, text))


def case_monitor(rig):
    """A p=reject domain in monitor_domains: evaluated and logged, and
    delivered with dmarc=fail in the A-R."""
    code, text = send(rig.mx_port, "x@mon.test",
                      message("x@mon.test", "case3 monitor"))
    _, msg = by_subject(rig, "case3 monitor")
    ours = [a for a in headers(msg or b"", "Authentication-Results")
            if a.startswith(AUTHSERV)]
    check(code == 250 and len(ours) == 1 and "dmarc=fail" in ours[0],
          "3: monitor mode: p=reject failure accepted, A-R says "
          "dmarc=fail (%s)" % code)


def case_quarantine(rig):
    code, text = send(rig.mx_port, "x@quar.test",
                      message("x@quar.test", "case5 quarantine"))
    check(code == 250, "5: quarantine accepted (%s)" % code)
    held = []
    end = time.monotonic() + 30
    while time.monotonic() < end and not held:
        held = [m for m in rig.queue() if m.get("queue_name") == "hold"]
        time.sleep(0.2)
    check(len(held) == 1, "5: postqueue -j shows it in the hold queue "
          "(%s)" % [m.get("queue_name") for m in rig.queue()])


def case_rotate(rig, t, knot, milter, states, old_sels):
    tsig = os.path.join(t.work, "tsig.conf")
    with open(tsig, "w") as f:
        f.write('key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n'
                % (KEY_NAME, SECRET))
    # a session opened before the rotation, kept open across the SIGHUP
    s = smtplib.SMTP("127.0.0.1", rig.sub_port, timeout=60)
    s.ehlo("client.example")
    s.sendmail("alice@sign.test", ["r@dest.example"],
               message("alice@sign.test", "case8 before"))
    r = t.run("domain", "rotate", "sign.test", "--state",
              states["sign.test"], "--server", "127.0.0.1@%d" % knot.port,
              "--tsig-key", tsig, "--grace", "86400", "--wait", "30",
              "--dns-server", "127.0.0.1@%d" % knot.port, check_rc=False)
    check(r.returncode == 0, "8: inkan domain rotate (exit %d) %s" %
          (r.returncode, r.stderr.strip()[-300:]))
    give_to_milter_user(states["sign.test"])
    milter.proc.send_signal(signal.SIGHUP)
    end = time.monotonic() + 20
    while time.monotonic() < end and \
            milter.stats().get("reloads_total", 0) < 1:
        time.sleep(0.1)
    # the same SMTP session, after the reload
    refused = s.sendmail("alice@sign.test", ["r@dest.example"],
                         message("alice@sign.test", "case8 after"))
    s.quit()
    check(refused == {}, "8: the session open across SIGHUP kept working")
    rig.wait_delivered(2, 60)
    _, after = by_subject(rig, "case8 after")
    new = re.findall(r"\bs=([^;\s]+)", " ".join(headers(after or b"",
                                                        "DKIM-Signature")))
    check(after is not None and new and not set(new) & set(old_sels),
          "8: new messages carry the new selectors %s (old %s)" %
          (new, old_sels))
    check(milter.proc.poll() is None and
          milter.stats().get("reload_failures_total", 1) == 0,
          "8: the milter reloaded without a failure")


def case_term(rig, milter):
    """SIGTERM finishes the message in flight: a transaction started
    before the signal completes, processed, and the milter then exits."""
    s = smtplib.SMTP("127.0.0.1", rig.sub_port, timeout=60)
    s.ehlo("client.example")
    s.mail("alice@sign.test")
    s.rcpt("r@dest.example")
    milter.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    code, text = s.data(message("alice@sign.test", "term inflight")
                        .encode())
    s.quit()
    check(code == 250, "SIGTERM: the message in flight is accepted (%s "
          "%s)" % (code, text))
    rig.wait_delivered(1, 60)
    _, msg = by_subject(rig, "term inflight")
    check(msg is not None and processed(msg),
          "SIGTERM: ... and it was signed")
    try:
        rc = milter.proc.wait(30)
    except subprocess.TimeoutExpired:
        rc = None
    check(rc == 0, "SIGTERM: the milter exits 0 once it is done (%s)" % rc)


def load(port_for, count, sessions, frm_for, tag):
    """Send COUNT messages over SESSIONS threads, a new connection per
    message. Returns per-outcome lists of subjects."""
    out = {"accepted": [], "temp": [], "perm": [], "error": []}
    lock = threading.Lock()
    nxt = [0]

    def worker():
        while True:
            with lock:
                i = nxt[0]
                if i >= count:
                    return
                nxt[0] += 1
            subj = "%s %d" % (tag, i)
            code, text = send(port_for(i), frm_for(i),
                              message(frm_for(i), subj))
            kind = ("accepted" if code == 250 else "temp"
                    if 400 <= code < 500 else "perm" if 500 <= code < 600
                    else "error")
            with lock:
                out[kind].append(subj)
                if kind == "error":
                    print("     %s: %s" % (subj, text))

    threads = [threading.Thread(target=worker) for _ in range(sessions)]
    for th in threads:
        th.start()
    return threads, out


def processed(msg):
    return any(h for h in headers(msg, "DKIM-Signature")
               if "d=sign.test" in h) or \
        any(a.startswith(AUTHSERV)
            for a in headers(msg, "Authentication-Results"))


def sink_subjects(rig, tag):
    got = {}
    for _, raw in rig.sink_messages():
        _, msg = postfix_rig.envelope(raw)
        m = re.search(rb"\nSubject: (" + tag.encode() + rb" \d+)\n",
                      b"\n" + msg)
        if m:
            got.setdefault(m.group(1).decode(), []).append(msg)
    return got


def case_kill9(rig, milter, count, sessions):
    rig.clear_sink()
    threads, out = load(lambda i: rig.sub_port, count, sessions,
                        lambda i: "load@sign.test", "case7")
    # kill when about a quarter went through
    end = time.monotonic() + 120
    while len(out["accepted"]) < count // 4 and time.monotonic() < end:
        time.sleep(0.05)
    milter.kill9()
    time.sleep(1.0)
    milter.start()
    for th in threads:
        th.join(600)
    rig.flush()
    n = rig.wait_delivered(len(out["accepted"]), 180)
    got = sink_subjects(rig, "case7")
    unprocessed = [s for s, msgs in got.items()
                   if not all(processed(m) for m in msgs)]
    dup = [s for s, msgs in got.items() if len(msgs) > 1]
    check(len(out["accepted"]) + len(out["temp"]) == count and
          not out["perm"] and not out["error"],
          "7: every message accepted or 4xx (%d accepted, %d 4xx, %d 5xx, "
          "%d errors)" % (len(out["accepted"]), len(out["temp"]),
                          len(out["perm"]), len(out["error"])))
    check(len(out["temp"]) > 0, "7: the kill was felt: %d tempfailed" %
          len(out["temp"]))
    check(set(got) == set(out["accepted"]) and n == len(out["accepted"]),
          "7: accepted == delivered (%d accepted, %d delivered)" %
          (len(out["accepted"]), len(got)))
    check(not unprocessed, "7: none unprocessed (%d)" % len(unprocessed))
    check(not dup, "7: no duplicates (%d)" % len(dup))
    code, _ = send(rig.sub_port, "alice@sign.test",
                   message("alice@sign.test", "case7 after"))
    check(code == 250, "7: after the restart mail flows (%s)" % code)


def case_load(rig, t, states, count, sessions):
    rig.clear_sink()
    # half signed (submission), half verified (mx: good.test, SPF
    # aligned, DMARC pass)
    threads, out = load(lambda i: rig.sub_port if i % 2 == 0 else
                        rig.mx_port, count, sessions,
                        lambda i: "load@sign.test" if i % 2 == 0 else
                        "load@good.test", "case9")
    t0 = time.monotonic()
    for th in threads:
        th.join(1200)
    n = rig.wait_delivered(len(out["accepted"]), 300)
    secs = time.monotonic() - t0
    got = sink_subjects(rig, "case9")
    unprocessed = [s for s, msgs in got.items()
                   if not all(processed(m) for m in msgs)]
    check(len(out["accepted"]) == count,
          "9: load: all %d accepted (%d 4xx, %d 5xx, %d errors)" %
          (count, len(out["temp"]), len(out["perm"]), len(out["error"])))
    check(len(got) == count and n >= count,
          "9: load: 0 lost (%d of %d delivered)" % (len(got), count))
    check(not unprocessed, "9: load: 0 unprocessed (%d)" %
          len(unprocessed))
    print("     load: %d messages, %d sessions, %.1f s, %.0f msg/s" %
          (count, sessions, secs, count / secs if secs else 0))


def case_report_rows(work, load_count, stats):
    """Report rows went to the store (SQLite here): one per verified
    message with a DMARC record, none dropped."""
    import sqlite3
    db = sqlite3.connect(os.path.join(work, "reports", "rows.db"))
    try:
        good = db.execute("SELECT count(*) FROM report_rows WHERE "
                          "header_from = 'good.test'").fetchone()[0]
        rej = db.execute("SELECT count(*) FROM report_rows WHERE "
                         "header_from = 'reject.test'").fetchone()[0]
    finally:
        db.close()
    # good.test: the load's verified half, and the last milter's only
    # (the store of an earlier milter run is the same file: >=)
    check(good >= load_count // 2, "report: %d rows for good.test "
          "(load verified %d)" % (good, load_count // 2))
    check(stats.get("report_rows_dropped_total", 0) == 0,
          "report: no row dropped")
    return rej


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("--inkan", required=True)
    ap.add_argument("--knotd", default="/usr/sbin/knotd")
    ap.add_argument("--load", type=int, default=3000)
    ap.add_argument("--load-sessions", type=int, default=50)
    ap.add_argument("--kill-load", type=int, default=2000)
    ap.add_argument("--kill-sessions", type=int, default=20)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("skip: Postfix needs root")
        return 77
    for p in (args.knotd, postfix_rig.POSTFIX, postfix_rig.SMTP_SINK):
        if not os.access(p, os.X_OK):
            print("skip: %s not installed" % p)
            return 77
    # meson's timeout sends SIGTERM: run the clean-up below (Postfix's
    # master is a daemon of its own and would outlive us)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    work = tempfile.mkdtemp(prefix="inkan-milter-test-")
    os.chmod(work, 0o755)
    t = Tools(args.inkan, args.milter, work)
    rig = milter = None
    knot = hole = None
    try:
        states, zones = build_zones(t)
        os.chmod(os.path.join(work, "state"), 0o755)
        for d in states.values():
            give_to_milter_user(d)
        os.mkdir(os.path.join(work, "reports"))
        give_to_milter_user(os.path.join(work, "reports"))
        knot = UpdateKnot(args.knotd, zones)
        knot.start()
        hole = knot_rig.BlackHole()
        dns = "127.0.0.1@%d" % knot.port
        milter = Milter(args.milter, work, dns, states,
                        extra=arc_seal_conf(states)).start()
        rig = postfix_rig.PostfixRig(
            milter="inet:127.0.0.1:%d" % milter.port).start()

        sels = case_sign(rig, knot, milter) or []
        case_mail_from_fallbacks(rig)
        case_inbound_aligned(rig, t, states)
        case_reject(rig)
        case_monitor(rig)
        case_quarantine(rig)
        case_arc_seal(rig, t, knot, states)
        case_rotate(rig, t, knot, milter, states, sels)
        log = milter.log_text()
        check(re.search(r"arc=pass dmarc=pass/good\.test .*arc-sealed "
                        r"i=2", log) is not None,
              "arc: the log line says arc=pass and arc-sealed i=2")
        check(len(re.findall(r"client=.*action=", log)) >= 8,
              "log: one line per message with the action")

        case_term(rig, milter)
        # case 4: DNS that never answers (a black hole), same port
        port = milter.port
        milter.stop()
        milter = Milter(args.milter, work, "127.0.0.1@%d" % hole.port,
                        states, port=port, dns_timeout=500).start()
        code, text = send(rig.mx_port, "bob@good.test",
                          message("bob@good.test", "case4 timeout"))
        check(code == 451 and re.search(r"4\.7\.\d+", text) is not None,
              "4: DNS timeout: %s %s" % (code, text))
        milter.stop()
        milter = Milter(args.milter, work, dns, states, port=port).start()

        case_kill9(rig, milter, args.kill_load, args.kill_sessions)
        case_load(rig, t, states, args.load, args.load_sessions)
        st = milter.stats()
        check(st.get("messages_total", 0) > 0 and
              st.get("internal_errors_total", 1) == 0,
              "stats: --stats answers, no internal errors (%s)" %
              {k: v for k, v in st.items() if v})
        # this milter was started during case 7's load: the MAIL FROM
        # records are checked before its first message, so no sign.test
        # message met the fallback
        check(st.get("mail_from_fallback_total", 0) == 0 and
              st.get("mail_from_rewritten_total", 0) >= args.load // 2,
              "6: every signed sign.test message after a restart got the "
              "rewrite (fallbacks %d)" % st.get("mail_from_fallback_total",
                                                0))
        milter.stop()
        case_report_rows(work, args.load, st)
        # a sanitizer build (bench or by hand) reports into the log
        log = milter.log_text()
        check(not re.search(r"AddressSanitizer|LeakSanitizer|"
                            r"runtime error:", log),
              "the milter log has no sanitizer report")
    except Exception as e:  # report, then clean up
        import traceback
        traceback.print_exc()
        failures.append("exception: %s" % e)
    finally:
        if failures and milter is not None:
            sys.stdout.write("---- milter log (tail)\n" +
                             milter.log_text()[-3000:])
        if failures and rig is not None:
            sys.stdout.write("---- maillog (tail)\n" + rig.maillog()[-3000:])
        if milter is not None:
            milter.stop()
        if rig is not None:
            rig.stop()
        if knot is not None:
            knot.stop()
        if hole is not None:
            hole.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("%d failure%s" % (len(failures), "" if len(failures) == 1 else
                            "s"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
