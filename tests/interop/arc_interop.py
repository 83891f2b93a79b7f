#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""arc_interop.py - inkan's ARC (RFC 8617) against dkimpy and Mail::DKIM.

  arc_interop.py INKAN_BINARY WORK_DIR_PARENT

Sealers: inkan (`inkan arc seal`, RSA-2048 and Ed25519) and dkimpy
(dkim.arc_sign, RSA-2048; its cv= comes from the "arc=" of the A-R its
own hop writes, which we take from dkimpy's own validation). Validators:
inkan (`inkan arc verify`), dkimpy (dkim.arc_verify) and Mail::DKIM's
ARC verifier (arc_maildkim.pl; it has no Ed25519, and dkimpy's ARC
code knows only rsa-sha256, so chains with an Ed25519 seal are checked by
inkan alone; the Ed25519 seals themselves are covered by lib/arc's unit
tests and the 3-hop chains here).

Chains: one hop by each sealer; three hops mixed both ways; three inkan
hops; and each three-hop chain with its body changed afterwards, which
every validator must fail. DNS is a "qname record" file (dkimpy dnsfunc,
Mail::DKIM fake resolver) and the same records as a zone (inkan).
Runs with Debian's /usr/bin/python3 (python3-dkim).
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import dkim
except ImportError:
    print("python3-dkim is missing: skipped")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
MAILDKIM = os.path.join(HERE, "arc_maildkim.pl")

MSG = (b"From: Joe SixPack <joe@example.com>\r\n"
       b"To: list@lists.example\r\n"
       b"Subject: Is dinner ready?\r\n"
       b"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
       b"Message-ID: <20030712040037.46341.5F8J@example.com>\r\n"
       b"\r\n"
       b"Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n")

failures = []


def check(ok, what):
    print("%s - %s" % ("ok" if ok else "not ok", what))
    if not ok:
        failures.append(what)


def run(cmd, data=None):
    p = subprocess.run(cmd, input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr


class World:
    """Keys, their records, and the sealers and validators over them."""

    def __init__(self, inkan, work):
        self.inkan = inkan
        self.work = work
        self.pem = {}
        recs = {}
        for name, alg in (("inkan-rsa", "rsa"), ("inkan-ed", "ed25519"),
                          ("py", "rsa")):
            pem = os.path.join(work, name + ".pem")
            if alg == "rsa":
                run(["openssl", "genrsa", "-traditional", "-out", pem,
                     "2048"])
            else:
                run(["openssl", "genpkey", "-algorithm", "ed25519", "-out",
                     pem])
            _, der, _ = run(["openssl", "pkey", "-in", pem, "-pubout",
                             "-outform", "DER"])
            if alg == "ed25519":
                der = der[-32:]
            self.pem[name] = pem
            recs[name] = "v=DKIM1; k=%s; p=%s" % (
                alg, base64.b64encode(der).decode())
        self.records = {
            "arc._domainkey.inkan.example": recs["inkan-rsa"],
            "ed._domainkey.inkan.example": recs["inkan-ed"],
            "py._domainkey.dkimpy.example": recs["py"],
        }
        self.keyfile = os.path.join(work, "keys.zone")
        self.zone = os.path.join(work, "dns.zone")
        with open(self.keyfile, "w") as f, open(self.zone, "w") as z:
            for name, rec in self.records.items():
                f.write("%s %s\n" % (name, rec))
                parts = [rec[i:i + 200] for i in range(0, len(rec), 200)]
                z.write("%s. TXT %s\n" % (name, " ".join(
                    '"%s"' % p for p in parts)))

    def dnsfunc(self, name, timeout=5):
        rec = self.records.get(name.decode().rstrip("."))
        return rec.encode() if rec else None

    # ---- sealers -----------------------------------------------------
    def seal_inkan(self, msg, alg="rsa"):
        path = os.path.join(self.work, "in.eml")
        with open(path, "wb") as f:
            f.write(msg)
        sel, pem = ("arc", self.pem["inkan-rsa"]) if alg == "rsa" else \
            ("ed", self.pem["inkan-ed"])
        rc, out, err = run([self.inkan, "arc", "seal", "--dns-zone",
                            self.zone, "--domain", "inkan.example",
                            "--selector", sel, "--key", pem, path])
        if rc != 0:
            raise RuntimeError("inkan arc seal: %d %s" % (rc, err))
        return out

    def seal_dkimpy(self, msg):
        # the dkimpy hop validates with dkimpy and writes its A-R, after
        # deleting any that claim its authserv-id (RFC 8601 5), as an MTA
        # does with such fields from outside
        cv = self.verify_dkimpy(msg)
        msg = b"".join(line for line in msg.splitlines(True)
                       if not line.startswith(
                           b"Authentication-Results: dkimpy.example;"))
        ar = b"Authentication-Results: dkimpy.example; arc=" + \
            cv.encode() + b"\r\n"
        msg = ar + msg
        key = open(self.pem["py"], "rb").read()
        fields = dkim.arc_sign(msg, b"py", b"dkimpy.example", key,
                               b"dkimpy.example",
                               include_headers=[b"from", b"to", b"subject",
                                                b"date", b"message-id"])
        return b"".join(fields) + msg

    # ---- validators --------------------------------------------------
    def verify_inkan(self, msg):
        path = os.path.join(self.work, "v.eml")
        with open(path, "wb") as f:
            f.write(msg)
        rc, out, err = run([self.inkan, "arc", "verify", "--dns-zone",
                            self.zone, path])
        first = out.decode(errors="replace").split("\n")[0]
        if not first.startswith("arc="):
            return "error: " + err.decode(errors="replace")
        return first.split()[0][4:]

    def verify_dkimpy(self, msg):
        cv, _, _ = dkim.arc_verify(msg, dnsfunc=self.dnsfunc)
        return cv.decode() if isinstance(cv, bytes) else str(cv)

    def verify_maildkim(self, msg):
        rc, out, err = run(["perl", MAILDKIM, self.keyfile], msg)
        if rc != 0:
            return "error: " + err.decode(errors="replace")
        return out.decode().split()[0] if out.split() else "?"


def chain(world, hops):
    msg = MSG
    for hop in hops:
        if hop == "dkimpy":
            msg = world.seal_dkimpy(msg)
        elif hop == "inkan-ed":
            msg = world.seal_inkan(msg, "ed")
        else:
            msg = world.seal_inkan(msg, "rsa")
    return msg


def validators(world, has_ed):
    # dkimpy 1.1.4's ARC knows only rsa-sha256 ("unknown signature
    # algorithm: b'ed25519-sha256'") and Mail::DKIM 1.20230212 has no
    # Ed25519: chains with an Ed25519 seal are validated by inkan alone
    v = [("inkan", world.verify_inkan)]
    if not has_ed:
        v.append(("dkimpy", world.verify_dkimpy))
        v.append(("Mail::DKIM", world.verify_maildkim))
    return v


def main():
    if subprocess.run(["perl", "-MMail::DKIM::ARC::Verifier", "-e", "1"],
                      capture_output=True).returncode != 0:
        print("libmail-dkim-perl is missing: skipped")
        return 77
    inkan = os.path.abspath(sys.argv[1])
    parent = os.path.abspath(sys.argv[2])
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix="arc-interop-", dir=parent)
    try:
        world = World(inkan, work)
        cases = [
            ["inkan"],
            ["inkan-ed"],
            ["dkimpy"],
            ["dkimpy", "inkan", "dkimpy"],
            ["inkan", "dkimpy", "inkan-ed"],
            ["inkan", "inkan", "inkan"],
            ["inkan", "dkimpy", "inkan"],
        ]
        for hops in cases:
            name = " -> ".join(hops)
            try:
                msg = chain(world, hops)
            except RuntimeError as e:
                check(False, "%s: sealing: %s" % (name, e))
                continue
            has_ed = "inkan-ed" in hops
            for vname, verify in validators(world, has_ed):
                got = verify(msg)
                check(got == "pass", "%s: %s says %s" % (name, vname, got))
            if len(hops) < 3:
                continue
            broken = msg + b"-- \r\nadded after the last seal\r\n"
            for vname, verify in validators(world, has_ed):
                got = verify(broken)
                check(got == "fail", "%s, body changed: %s says %s" %
                      (name, vname, got))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("# %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
