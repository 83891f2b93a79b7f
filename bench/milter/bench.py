#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench.py - inkan-milter in Postfix, side by side with OpenDKIM, in one
run (see README.md here; run through run.sh).

Set-ups, each on a fresh private Postfix instance on 127.0.0.1 relaying to
smtp-sink (tests/milter/postfix_rig.py), DNS from a private Knot:
  alone        Postfix without a milter
  inkan-sign   + inkan-milter signing (RSA-2048 + Ed25519)
  inkan-sign-rsa + inkan-milter signing with RSA-2048 only
  odk-sign     + OpenDKIM signing (RSA-2048)
  inkan-verify + inkan-milter verifying SPF + DKIM + DMARC of a pre-signed
               message (the same file goes through 'alone-signed')
  inkan-verify-thread  the same with spf_thread = yes (SPF on a thread
               of its own per message)
Load: smtp-source -s SESSIONS -m MESSAGES, a new connection per message.
Per run: end-to-end messages/s (first connect to the last message in the
sink), CPU seconds per 1,000 messages of the milter (its /proc stat) and
of Postfix (master with its reaped children plus live children), the
milter's RSS at the start and at the end. Medians over RUNS runs.
Ratios printed against the goals of issue 11.

The legacy verify chain (policyd-spf + OpenDKIM verify + OpenDMARC) is not
run here: it needs its DNS through a resolv.conf bind-mounted in a private
mount namespace (../shared/design/PEERS.md); PEERS.md has its figures.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..", "..", "tests")
sys.path.insert(0, os.path.join(TESTS, "milter"))
sys.path.insert(0, os.path.join(TESTS, "integration"))
import knot_rig  # noqa: E402
import postfix_rig  # noqa: E402
import milter_postfix as mp  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid, children=True):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[11..14] = utime stime cutime cstime (after the comm field)
    t = int(fields[11]) + int(fields[12])
    if children:
        t += int(fields[13]) + int(fields[14])
    return t / TICK


def children_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            out.append(int(d))
    return out


def postfix_cpu(rig):
    try:
        with open(os.path.join(rig.dir, "queue", "pid",
                               "master.pid")) as f:
            master = int(f.read().split()[0])
    except (OSError, ValueError):
        return 0.0
    return proc_cpu(master) + sum(proc_cpu(c, children=False)
                                  for c in children_of(master))


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class OpenDKIM:
    def __init__(self, work, key, selector):
        base = os.path.join(os.path.expanduser("~"), ".cache")
        os.makedirs(base, mode=0o700, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="inkan-bench-odk-", dir=base)
        self.port = postfix_rig.free_port()
        keyfile = os.path.join(self.dir, "key.pem")
        shutil.copy(key, keyfile)
        os.chmod(keyfile, 0o600)
        self.conf = os.path.join(self.dir, "opendkim.conf")
        with open(self.conf, "w") as f:
            f.write("Mode s\nDomain sign.test\nSelector %s\nKeyFile %s\n"
                    "Socket inet:%d@127.0.0.1\nInternalHosts 127.0.0.1\n"
                    "Canonicalization relaxed/relaxed\nSyslog no\n"
                    "Background no\nSignatureAlgorithm rsa-sha256\n"
                    % (selector, keyfile, self.port))
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["opendkim", "-x", self.conf, "-f"],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     preexec_fn=knot_rig.die_with_parent)
        if not postfix_rig.wait_port(self.port):
            raise RuntimeError("opendkim did not start")
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(30)
        shutil.rmtree(self.dir, ignore_errors=True)


def one_run(rig, port, count, sessions, frm, msgfile, mpid):
    rig.clear_sink()
    cpu_pf0 = postfix_cpu(rig)
    cpu_m0 = proc_cpu(mpid) if mpid else 0.0
    rss0 = rss_kb(mpid) if mpid else 0
    args = ["smtp-source", "-s", str(sessions), "-m", str(count),
            "-f", frm, "-t", "rcpt@dest.example", "-M", "client.example"]
    if msgfile:
        args += ["-F", msgfile]
    else:
        args += ["-S", "bench", "-l", "2000"]
    t0 = time.monotonic()
    subprocess.run(args + ["127.0.0.1:%d" % port], check=True,
                   stdout=subprocess.DEVNULL, timeout=1800)
    n = rig.wait_delivered(count, 600)
    secs = time.monotonic() - t0
    res = {"msgs": n, "rate": count / secs,
           "pf_cpu": (postfix_cpu(rig) - cpu_pf0) * 1000 / count,
           "m_cpu": ((proc_cpu(mpid) - cpu_m0) * 1000 / count
                     if mpid else 0.0),
           "rss0": rss0, "rss1": rss_kb(mpid) if mpid else 0}
    if n != count:
        res["lost"] = count - n
    return res


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("--inkan", required=True)
    ap.add_argument("--knotd", default="/usr/sbin/knotd")
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("bench/milter needs root (Postfix)")
        return 1
    # meson's timeout sends SIGTERM: run the clean-up below (Postfix's
    # master is a daemon of its own and would outlive us)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    work = tempfile.mkdtemp(prefix="inkan-bench-milter-")
    os.chmod(work, 0o755)
    t = mp.Tools(args.inkan, args.milter, work)
    knot = None
    table = []
    try:
        states, zones = mp.build_zones(t)
        os.chmod(os.path.join(work, "state"), 0o755)
        for d in states.values():
            mp.give_to_milter_user(d)
        os.mkdir(os.path.join(work, "reports"))
        mp.give_to_milter_user(os.path.join(work, "reports"))
        knot = knot_rig.Knot(args.knotd, zones).start()
        dns = "127.0.0.1@%d" % knot.port
        # RSA-only signing state: a copy of sign.test's identity would
        # share keys; make a domain of its own
        st_rsa, z_rsa = t.setup("rsa.test", "--key-type", "rsa",
                                "--no-mail-from", "--spf-ip", "127.0.0.1")
        mp.give_to_milter_user(st_rsa)
        # the pre-signed message for the verify runs
        gst = states["good.test"]
        gkey = [f for f in os.listdir(gst) if f.endswith(".pem")][0]
        raw = os.path.join(work, "verify.eml")
        with open(raw, "w") as f:
            f.write(mp.message("load@good.test", "bench verify",
                               body="x" * 70 + "\r\n" * 1).replace(
                                   "\r\n", "\n") + ("y" * 72 + "\n") * 70)
        signed = os.path.join(work, "verify-signed.eml")
        with open(signed, "w") as f:
            f.write(t.run("sign", "--domain", "good.test", "--selector",
                          gkey[:-4], "--key", os.path.join(gst, gkey),
                          raw).stdout)
        rsa_key = [f for f in os.listdir(st_rsa) if f.endswith(".pem")][0]

        def setups():
            yield "alone", None, "mx", "load@sign.test", None
            yield "alone-signed", None, "mx", "load@good.test", signed
            yield "inkan-sign", "inkan", "sub", "load@sign.test", None
            yield "inkan-sign-rsa", "inkan-rsa", "sub", "load@rsa.test", None
            yield "odk-sign", "opendkim", "mx", "load@sign.test", None
            yield "inkan-verify", "inkan", "mx", "load@good.test", signed
            yield "inkan-verify-thread", "inkan-thread", "mx", \
                "load@good.test", signed

        for name, kind, portname, frm, msgfile in setups():
            if args.only and name not in args.only.split(","):
                continue
            milter = None
            if kind in ("inkan", "inkan-rsa", "inkan-thread"):
                sd = dict(states)
                sd["rsa.test"] = st_rsa
                milter = mp.Milter(args.milter, work, dns, sd,
                                   extra="spf_thread = yes\n"
                                   if kind == "inkan-thread" else "")
                milter.start()
                mspec = "inet:127.0.0.1:%d" % milter.port
                mpid = milter.proc.pid
            elif kind == "opendkim":
                milter = OpenDKIM(work, os.path.join(st_rsa, rsa_key),
                                  rsa_key[:-4]).start()
                mspec = "inet:127.0.0.1:%d" % milter.port
                mpid = milter.proc.pid
            else:
                mspec, mpid = None, 0
            rig = postfix_rig.PostfixRig(milter=mspec).start()
            try:
                port = rig.sub_port if portname == "sub" else rig.mx_port
                # one warm-up round, not counted
                one_run(rig, port, min(200, args.messages), args.sessions,
                        frm, msgfile, mpid)
                runs = [one_run(rig, port, args.messages, args.sessions,
                                frm, msgfile, mpid)
                        for _ in range(args.runs)]
            finally:
                rig.stop()
                if milter is not None:
                    milter.stop()
            row = {"name": name, "rate": median(runs, "rate"),
                   "pf_cpu": median(runs, "pf_cpu"),
                   "m_cpu": median(runs, "m_cpu"),
                   "rss0": runs[0]["rss0"], "rss1": runs[-1]["rss1"],
                   "lost": sum(r.get("lost", 0) for r in runs)}
            table.append(row)
            print("%-15s %7.1f msg/s  postfix %5.2f  milter %5.2f CPU-s/1k "
                  " RSS %d -> %d kB  lost %d" % (
                      name, row["rate"], row["pf_cpu"], row["m_cpu"],
                      row["rss0"], row["rss1"], row["lost"]), flush=True)
    finally:
        if knot is not None:
            knot.stop()
        shutil.rmtree(work, ignore_errors=True)
    rows = {r["name"]: r for r in table}
    print("\n| set-up | msg/s | Postfix CPU-s/1k | milter CPU-s/1k | "
          "milter RSS start -> end |")
    print("|---|---|---|---|---|")
    for r in table:
        print("| %s | %.0f | %.2f | %.2f | %s |" % (
            r["name"], r["rate"], r["pf_cpu"], r["m_cpu"],
            "%d -> %d kB" % (r["rss0"], r["rss1"]) if r["rss0"] else "-"))
    print()

    def ratio(a, b, what, goal, higher=True):
        if a in rows and b in rows and rows[b]["rate"]:
            v = rows[a]["rate"] / rows[b]["rate"]
            ok = v >= goal if higher else v <= goal
            print("%-48s %.2f (goal %s %.2f) %s" % (what, v,
                  ">=" if higher else "<=", goal, "met" if ok else
                  "NOT met"))

    ratio("inkan-sign", "alone", "signing throughput / Postfix alone", 0.90)
    ratio("inkan-sign-rsa", "alone", "signing (RSA only) / Postfix alone",
          0.90)
    ratio("inkan-verify", "alone-signed",
          "verifying throughput / Postfix alone (same file)", 0.85)
    ratio("inkan-sign-rsa", "odk-sign",
          "inkan-milter RSA signing / OpenDKIM signing", 1.0)
    for name, goal in (("inkan-sign", 1.0), ("inkan-sign-rsa", 1.0),
                       ("inkan-verify", 1.5)):
        if name in rows:
            v = rows[name]["m_cpu"]
            print("%-48s %.2f CPU-s per 1,000 (goal <= %.1f) %s" % (
                name + " milter CPU", v, goal,
                "met" if v <= goal else "NOT met"))
    if "odk-sign" in rows and "inkan-sign-rsa" in rows and \
            rows["odk-sign"]["m_cpu"]:
        print("%-48s %.2f" % ("milter CPU, inkan RSA sign / OpenDKIM sign",
                              rows["inkan-sign-rsa"]["m_cpu"] /
                              rows["odk-sign"]["m_cpu"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
