#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""peers.py - time inkan verify, opendkim -t and dkimpy on one corpus.

  peers.py INKAN WORKDIR

WORKDIR holds msg-NNNN.eml and keys.zone (from `bench_dkim gen`). Each
verifier checks every message in ONE process (inkan with its key cache
warm after the first message, OpenDKIM in its test mode, dkimpy from
Python with an in-memory key table), and must pass them all. Prints
"name value" lines: wall seconds, CPU seconds (user+sys, which a loaded
machine disturbs less) and messages per second by CPU time.
Run with Debian's /usr/bin/python3 (python3-dkim).
"""
import glob
import os
import resource
import subprocess
import sys
import time


def timed(cmd, **kw):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, **kw)
    if p.returncode not in (0, 1):
        sys.exit("%s failed: %r" % (cmd[0], p.stderr[:300]))
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime -
                                                before.ru_stime)
    return p, wall, cpu


def main():
    inkan, work = sys.argv[1], os.path.abspath(sys.argv[2])
    files = sorted(glob.glob(os.path.join(work, "msg-*.eml")))
    keys = os.path.join(work, "keys.zone")
    n = len(files)
    print("messages %d" % n)

    # one process for all (the CLI takes at most 256 arguments: --list)
    p, wall, cpu = timed([inkan, "verify", "--keys", keys, "--list", "-"],
                         input="\n".join(files).encode())
    # one "FILE: dkim=pass ..." line per message (the CLI's summary line,
    # "N messages: N dkim=pass", is not one)
    passed = p.stdout.decode().count(": dkim=pass ")
    if passed != n:
        sys.exit("inkan: %d of %d passed" % (passed, n))
    print("inkan_wall_s %.3f\ninkan_cpu_s %.3f\ninkan_per_cpu_s %.0f" %
          (wall, cpu, n / cpu))

    conf = os.path.join(work, "verify.conf")
    with open(conf, "w") as f:
        f.write("Mode v\nTestPublicKeys %s\nAuthservID bench.example\n"
                "Syslog no\n" % keys)
    # one "verification (...) succeeded" line per message
    p, wall, cpu = timed(["opendkim", "-x", conf, "-t", ",".join(files)],
                         cwd=work)
    passed = (p.stdout + p.stderr).decode().count(") succeeded")
    if passed != n:
        sys.exit("opendkim: %d of %d passed: %r" % (passed, n,
                                                   p.stderr[:300]))
    print("opendkim_wall_s %.3f\nopendkim_cpu_s %.3f\n"
          "opendkim_per_cpu_s %.0f" % (wall, cpu, n / cpu))

    script = (
        "import dkim, sys\n"
        "keys = {}\n"
        "for l in open(sys.argv[1]):\n"
        "    q, r = l.rstrip('\\n').split(' ', 1)\n"
        "    keys[q] = r.encode()\n"
        "f = lambda name, timeout=5: keys.get(name.decode().rstrip('.'))\n"
        "ok = 0\n"
        "for path in sys.argv[2:]:\n"
        "    ok += dkim.DKIM(open(path, 'rb').read(), minkey=1024)"
        ".verify(dnsfunc=f)\n"
        "print(ok)\n")
    p, wall, cpu = timed(["/usr/bin/python3", "-c", script, keys] + files)
    passed = int(p.stdout.decode().strip() or 0)
    if passed != n:
        sys.exit("dkimpy: %d of %d passed" % (passed, n))
    print("dkimpy_wall_s %.3f\ndkimpy_cpu_s %.3f\ndkimpy_per_cpu_s %.0f" %
          (wall, cpu, n / cpu))


if __name__ == "__main__":
    main()
