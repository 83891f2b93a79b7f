#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_config.py - `inkan-milter --check-config` (suite 'milter').

It must exit 0 for a good configuration (keys loaded, resolver answering:
a private Knot from tests/integration/knot_rig.py), and non-zero, with a
message naming the problem, for: a bad key path, a key file with the
wrong mode, an unknown key (with its line number), a bad value, an
unreachable resolver; an OpenDKIM SigningTable with a wildcard pattern
is refused, the documented subset is accepted. As root, running without
`user =` is refused. Exit 0 all pass, 1 a failure.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import knot_rig  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("--inkan", required=True)
    ap.add_argument("--knotd", default="/usr/sbin/knotd")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="inkan-milter-cc-")
    knot = None
    try:
        state = os.path.join(work, "a.test")
        r = subprocess.run([args.inkan, "domain", "setup", "a.test",
                            "--state", state, "--key-type", "both",
                            "--no-mail-from", "--format", "zone"],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            print(r.stderr)
            return 1
        dns = "127.0.0.1@1"
        if os.access(args.knotd, os.X_OK):
            zone = os.path.join(work, "test.zone")
            with open(zone, "w") as f:
                f.write("$ORIGIN test.\n$TTL 60\n@ SOA ns.test. h.test. 1 "
                        "3600 600 86400 60\n@ NS ns.test.\n"
                        "ns A 127.0.0.1\n")
            knot = knot_rig.Knot(args.knotd, [("test.", zone)])
            knot.start()
            dns = "127.0.0.1@%d" % knot.port
        base = ("socket = unix:%s/m.sock\nauthserv_id = mx.a.test\n"
                "dns_server = %s\ndns_timeout_ms = 500\n"
                "sign_domain = a.test %s\n" % (work, dns, state))

        def run(text, name):
            path = os.path.join(work, name + ".conf")
            with open(path, "w") as f:
                f.write(text)
            return subprocess.run([args.milter, "--check-config", "-c",
                                   path], capture_output=True, text=True,
                                  timeout=60)

        if knot is not None:
            r = run(base, "good")
            check(r.returncode == 0 and "configuration OK" in r.stdout and
                  "ed25519 256 bits" in r.stdout and
                  "sign_domain = a.test" in r.stdout,
                  "good configuration: exit 0, keys listed, effective "
                  "configuration printed (%d) %s" % (r.returncode,
                                                     r.stderr.strip()))
        r = run(base.replace(state, state + "-missing"), "badpath")
        check(r.returncode != 0 and "a.test-missing" in r.stderr,
              "bad key path (state directory): exit %d: %s" %
              (r.returncode, r.stderr.strip()[:160]))
        rsa = [f for f in os.listdir(state) if f.endswith("r.pem")][0]
        os.chmod(os.path.join(state, rsa), 0o644)
        r = run(base, "mode")
        check(r.returncode != 0 and "mode 0644 refused" in r.stderr and
              rsa in r.stderr,
              "key file 0644: refused with a clear message: %s" %
              r.stderr.strip()[:200])
        os.chmod(os.path.join(state, rsa), 0o640)
        if knot is not None:
            r = run(base, "mode640")
            check(r.returncode == 0, "key file 0640 (group) accepted")
        os.chmod(os.path.join(state, rsa), 0o600)
        r = run(base + "sign_domian = x.test /x\n", "unknown")
        check(r.returncode != 0 and
              "unknown.conf:6: unknown key 'sign_domian'" in r.stderr,
              "unknown key with its line number: %s" % r.stderr.strip())
        r = run(base + "max_sessions = 0\n", "badvalue")
        check(r.returncode != 0 and "badvalue.conf:6: max_sessions" in
              r.stderr, "bad value with its line number: %s" %
              r.stderr.strip())
        r = run(base + "on_temperror = tempfail\non_temperror = accept\n",
                "twice")
        check(r.returncode != 0 and "set twice" in r.stderr,
              "a scalar set twice is an error")
        r = run(base.replace(dns, "127.0.0.1@1"), "nodns")
        check(r.returncode != 0 and "no answer" in r.stderr,
              "unreachable resolver: exit %d: %s" %
              (r.returncode, r.stderr.strip()[:160]))
        # OpenDKIM migration subset
        kt = os.path.join(work, "KeyTable")
        stab = os.path.join(work, "SigningTable")
        with open(kt, "w") as f:
            f.write("# comment\nk1 a.test:%s:%s\n" %
                    (rsa[:-4], os.path.join(state, rsa)))
        nostate = base.replace("sign_domain = a.test %s\n" % state, "")
        odk = nostate + ("opendkim_keytable = %s\n"
                         "opendkim_signingtable = %s\n" % (kt, stab))
        with open(stab, "w") as f:
            f.write("*@a.test k1\n")
        if knot is not None:
            r = run(odk, "odk")
            check(r.returncode == 0 and "._domainkey.a.test: rsa" in
                  r.stdout, "OpenDKIM KeyTable + SigningTable (*@domain) "
                  "imported (%d) %s" % (r.returncode, r.stderr.strip()))
        with open(stab, "w") as f:
            f.write("* k1\n")
        r = run(odk, "odkwild")
        check(r.returncode != 0 and "refused" in r.stderr,
              "OpenDKIM SigningTable wildcard '*' refused: %s" %
              r.stderr.strip()[:160])
        with open(stab, "w") as f:
            f.write("*@b.test k1\n")
        r = run(odk, "odkother")
        check(r.returncode != 0 and "From domain's own key" in r.stderr,
              "OpenDKIM: a key of a.test for mail of b.test refused")
        if os.geteuid() == 0:
            path = os.path.join(work, "good.conf")
            with open(path, "w") as f:
                f.write(base)
            r = subprocess.run([args.milter, "-c", path, "-f"],
                               capture_output=True, text=True, timeout=30)
            check(r.returncode != 0 and "refusing to run as root" in
                  r.stderr, "as root without user =: refused")
    finally:
        if knot is not None:
            knot.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("%d failure%s" % (len(failures), "" if len(failures) == 1 else
                            "s"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
