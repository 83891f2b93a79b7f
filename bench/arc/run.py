#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/arc/run.py - ARC validation of three-set chains: inkan vs dkimpy.

  bench/arc/run.py INKAN_BINARY [N]        (N messages, default 300)

Makes N messages (about 3 KB each), each sealed three times by three
sealers with RSA-2048 keys (`inkan arc seal`, keys from a zone file), in a
fresh 0700 directory that is removed afterwards. Then, on the same
messages:
  inkan   `inkan arc verify --keys KEYS f1 ... fN` in one process (key
          cache warm after the first message), CPU time (user + sys) of
          the process;
  dkimpy  dkim.arc_verify() over every message in one Python process with
          an in-memory key table, CPU time of that process.
Both must say pass for every message. Prints messages/s for each and the
ratio. Wall time is printed too but is not the figure: the machine is
shared and wall time mostly measures the neighbours.
"""
import base64
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

SEALERS = [("lists.example", "l1"), ("fwd.example", "f1"),
           ("mx.example", "m1")]
DKIMPY = r'''
import dkim, sys, time, resource
recs = {}
for line in open(sys.argv[1]):
    q, r = line.rstrip("\n").split(" ", 1)
    recs[q] = r.encode()
def dnsfunc(name, timeout=5):
    return recs.get(name.decode().rstrip("."))
msgs = [open(p, "rb").read() for p in sys.argv[2:]]
bad = 0
for m in msgs:
    cv, _, _ = dkim.arc_verify(m, dnsfunc=dnsfunc)
    bad += cv != b"pass"
print(bad)
'''


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(cmd):
    c0, w0 = cpu_children(), time.monotonic()
    p = subprocess.run(cmd, capture_output=True)
    return p, cpu_children() - c0, time.monotonic() - w0


def main():
    inkan = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    work = tempfile.mkdtemp(prefix="bench-arc-")
    os.chmod(work, 0o700)
    try:
        keyfile = os.path.join(work, "keys.txt")
        zone = os.path.join(work, "keys.zone")
        with open(keyfile, "w") as kf, open(zone, "w") as zf:
            for dom, sel in SEALERS:
                pem = os.path.join(work, sel + ".pem")
                subprocess.run(["openssl", "genrsa", "-traditional", "-out",
                                pem, "2048"], capture_output=True, check=True)
                der = subprocess.run(["openssl", "pkey", "-in", pem,
                                      "-pubout", "-outform", "DER"],
                                     capture_output=True, check=True).stdout
                rec = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
                q = "%s._domainkey.%s" % (sel, dom)
                kf.write("%s %s\n" % (q, rec))
                parts = [rec[i:i + 200] for i in range(0, len(rec), 200)]
                zf.write("%s. TXT %s\n" % (q, " ".join('"%s"' % p
                                                       for p in parts)))
        body = "".join("Line %d of the message, as a list would carry "
                       "it to its members.\r\n" % i for i in range(40))
        files = []
        for i in range(n):
            path = os.path.join(work, "m%05d.eml" % i)
            with open(path, "w", newline="") as f:
                f.write("From: Author %d <a%d@example.com>\r\n"
                        "To: list@lists.example\r\nSubject: message %d\r\n"
                        "Date: Tue, 25 Nov 2025 09:14:05 +0000\r\n"
                        "Message-ID: <%d@example.com>\r\n\r\n%s" %
                        (i, i, i, i, body))
            for dom, sel in SEALERS:
                out = subprocess.run([inkan, "arc", "seal", "--dns-zone",
                                      zone, "--domain", dom, "--selector",
                                      sel, "--key",
                                      os.path.join(work, sel + ".pem"),
                                      path], capture_output=True, check=True)
                with open(path, "wb") as f:
                    f.write(out.stdout)
            files.append(path)
        size = sum(os.path.getsize(p) for p in files) / len(files)

        p, cpu_i, wall_i = run_timed([inkan, "arc", "verify", "--keys",
                                      keyfile] + files)
        lines = [l for l in p.stdout.decode().splitlines()
                 if l.startswith("arc=")]
        ok_i = sum(l.startswith("arc=pass 3 sets") for l in lines)
        p2, cpu_d, wall_d = run_timed(["/usr/bin/python3", "-c", DKIMPY,
                                       keyfile] + files)
        bad_d = int(p2.stdout.decode().strip() or -1)
        print("messages: %d three-set chains, %.0f bytes each" % (n, size))
        print("inkan  arc verify: %d/%d pass, CPU %.3f s -> %.0f msg/s "
              "(wall %.2f s)" % (ok_i, n, cpu_i, n / cpu_i, wall_i))
        print("dkimpy arc_verify: %d/%d pass, CPU %.3f s -> %.0f msg/s "
              "(wall %.2f s)" % (n - bad_d, n, cpu_d, n / cpu_d, wall_d))
        print("ratio inkan/dkimpy: %.1fx" % (cpu_d / cpu_i))
        return 0 if ok_i == n and bad_d == 0 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
