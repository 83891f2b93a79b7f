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
  inkan-verify-norecord  inkan-verify without report_store: the recording
               cost (issue 12) is inkan-verify against this one
  legacy-verify  + policyd-spf (postfix-policyd-spf-python as a
               check_policy_service spawn service) + OpenDKIM verify +
               OpenDMARC, the same pre-signed message
Load: smtp-source -s SESSIONS -m MESSAGES, a new connection per message.
Per run: end-to-end messages/s (first connect to the last message in the
sink), CPU seconds per 1,000 messages of the milter(s) (their /proc stat),
of policyd-spf and of Postfix (master with its reaped children plus live
children), the milters' RSS at the start and at the end. Medians over RUNS
runs. Ratios printed against the goals of issues 11 and 12.

The legacy daemons read DNS from /etc/resolv.conf only, which cannot name
a port: the whole bench re-executes itself in a private mount and network
namespace (unshare -mn), brings up its loopback, serves the zones from Knot
on 127.0.0.1:53 there and bind-mounts a resolv.conf naming 127.0.0.1
(../shared/design/PEERS.md). Every set-up runs in that namespace, so they
stay comparable; --no-netns runs on the host's loopback without the legacy
set-up.
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


def comm_of(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def postfix_cpu(rig):
    """(Postfix, policyd-spf) CPU seconds so far. policyd-spf runs under
    Postfix's spawn daemons: a live spawn's reaped children and its live
    policyd-spf child are policyd-spf's; the spawn process itself and
    everything the master has reaped count as Postfix (a spawn exits only
    after max_idle, set long in LegacyRig, so little moves)."""
    try:
        with open(os.path.join(rig.dir, "queue", "pid",
                               "master.pid")) as f:
            master = int(f.read().split()[0])
    except (OSError, ValueError):
        return 0.0, 0.0
    pf = proc_cpu(master)
    spf = 0.0
    for c in children_of(master):
        own = proc_cpu(c, children=False)
        pf += own
        if comm_of(c) == "spawn":
            spf += proc_cpu(c) - own
            spf += sum(proc_cpu(g, children=False)
                       for g in children_of(c))
    return pf, spf


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


LEGACY_AUTHSERV = "bench.receiver"
VDOM = "good.example"


class Legacy:
    """OpenDKIM verifying and OpenDMARC on loopback TCP, and the
    configuration of policyd-spf (spawned by Postfix: LegacyRig). Their
    DNS is /etc/resolv.conf, bind-mounted in our namespace."""

    def __init__(self, work):
        self.dir = tempfile.mkdtemp(prefix="inkan-bench-legacy-", dir=work)
        os.chmod(self.dir, 0o755)
        self.odk_port = postfix_rig.free_port()
        self.dmarc_port = postfix_rig.free_port()
        self.odk_conf = os.path.join(self.dir, "opendkim.conf")
        with open(self.odk_conf, "w") as f:
            # Debian's OpenDKIM resolves through libunbound, which does
            # not read resolv.conf: Nameservers forwards it to the same
            # 127.0.0.1 (not ResolverConfiguration, under which 2.11
            # crashed at 20 sessions, issue 11)
            f.write("Mode v\nSocket inet:%d@127.0.0.1\nAuthservID %s\n"
                    "Nameservers 127.0.0.1\nSyslog no\nBackground no\n"
                    % (self.odk_port, LEGACY_AUTHSERV))
        empty = os.path.join(self.dir, "ignore-none")
        open(empty, "w").close()
        self.dmarc_conf = os.path.join(self.dir, "opendmarc.conf")
        with open(self.dmarc_conf, "w") as f:
            # TrustedAuthservIDs: read OpenDKIM's result; IgnoreHosts an
            # empty file, or 127.0.0.1 (the load) is skipped
            f.write("Socket inet:%d@127.0.0.1\nAuthservID %s\n"
                    "TrustedAuthservIDs %s\nIgnoreHosts %s\n"
                    "Syslog false\nSPFSelfValidate false\n"
                    "SPFIgnoreResults false\nRejectFailures false\n"
                    "PublicSuffixList /usr/share/publicsuffix/"
                    "public_suffix_list.dat\n"
                    % (self.dmarc_port, LEGACY_AUTHSERV, LEGACY_AUTHSERV,
                       empty))
        # policyd-spf skips loopback clients by default: skip nothing
        # that can occur here
        self.spf_conf = os.path.join(self.dir, "policyd-spf.conf")
        with open(self.spf_conf, "w") as f:
            f.write("debugLevel = 0\nTestOnly = 1\nHELO_reject = Fail\n"
                    "Mail_From_reject = Fail\nPermError_reject = False\n"
                    "TempError_Defer = False\n"
                    "skip_addresses = 192.0.2.255/32\n")
        os.chmod(self.spf_conf, 0o644)
        self.procs = []

    def start(self):
        for cmd, port in ((["opendkim", "-x", self.odk_conf, "-f"],
                           self.odk_port),
                          (["opendmarc", "-c", self.dmarc_conf, "-f"],
                           self.dmarc_port)):
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL,
                                 preexec_fn=knot_rig.die_with_parent)
            self.procs.append(p)
            if not postfix_rig.wait_port(port):
                raise RuntimeError("%s did not start" % cmd[0])
        return self

    def spec(self):
        return "inet:127.0.0.1:%d, inet:127.0.0.1:%d" % (self.odk_port,
                                                         self.dmarc_port)

    def stop(self):
        for p in self.procs:
            p.terminate()
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        self.procs = []


class LegacyRig(postfix_rig.PostfixRig):
    """PostfixRig with policyd-spf as a check_policy_service spawn
    service (Debian's README for postfix-policyd-spf-python)."""

    def __init__(self, spf_conf, **kw):
        super().__init__(**kw)
        self.spf_conf = spf_conf

    def _write(self):
        super()._write()
        with open(os.path.join(self.etc, "main.cf"), "a") as f:
            f.write("smtpd_recipient_restrictions = check_policy_service "
                    "unix:private/policyd-spf\n"
                    "policyd-spf_time_limit = 3600\n")
        with open(os.path.join(self.etc, "master.cf"), "a") as f:
            f.write("policyd-spf unix - n n - 0 spawn -o max_idle=3600s "
                    "-o max_use=100000\n  user=policyd-spf "
                    "argv=/usr/bin/policyd-spf %s\n" % self.spf_conf)


def report_rows(work):
    """Rows the inkan-milters recorded for the verify sender so far."""
    import sqlite3
    path = os.path.join(work, "reports", "rows.db")
    if not os.path.exists(path):
        return 0
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM report_rows WHERE "
                          "header_from = ?", (VDOM,)).fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        db.close()


def auth_results(rig):
    """The Authentication-Results and Received-SPF lines of one message
    in the sink: proof that a verify set-up verified."""
    files = rig.sink_files()
    if not files:
        return "(sink empty)"
    with open(files[0], errors="replace") as f:
        head = f.read().split("\n\n", 1)[0]
    lines, cur = [], None
    for line in head.splitlines():
        if line[:1] in (" ", "\t") and cur is not None:
            lines[-1] += " " + line.strip()
        elif line.lower().startswith(("authentication-results:",
                                      "received-spf:")):
            lines.append(line.strip())
            cur = True
        else:
            cur = None
    return "\n    ".join(lines) or "(no results)"


def one_run(rig, port, count, sessions, frm, msgfile, mpids):
    rig.clear_sink()
    cpu_pf0, cpu_spf0 = postfix_cpu(rig)
    cpu_m0 = [proc_cpu(p) for p in mpids]
    rss0 = sum(rss_kb(p) for p in mpids)
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
    cpu_pf1, cpu_spf1 = postfix_cpu(rig)
    parts = [(proc_cpu(p) - c0) * 1000 / count
             for p, c0 in zip(mpids, cpu_m0)]
    res = {"msgs": n, "rate": count / secs,
           "pf_cpu": (cpu_pf1 - cpu_pf0) * 1000 / count,
           "spf_cpu": (cpu_spf1 - cpu_spf0) * 1000 / count,
           "m_cpu": sum(parts), "parts": parts,
           "rss0": rss0, "rss1": sum(rss_kb(p) for p in mpids)}
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
    ap.add_argument("--no-netns", action="store_true",
                    help="host loopback, no legacy-verify set-up")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("bench/milter needs root (Postfix)")
        return 1
    netns = os.environ.get("INKAN_BENCH_NETNS") == "1"
    if not args.no_netns and not netns:
        if shutil.which("unshare") is None or shutil.which("ip") is None:
            print("unshare or ip missing: use --no-netns")
            return 1
        return subprocess.call(["unshare", "-mn", "--", sys.executable] +
                               sys.argv,
                               env=dict(os.environ, INKAN_BENCH_NETNS="1"))
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
        # the verify set-ups' sender: a domain outside .test, which
        # libunbound (OpenDKIM's resolver) answers itself with NXDOMAIN
        # (its default local zones, RFC 6761)
        gst, z_good = t.setup(VDOM, "--key-type", "rsa", "--no-mail-from",
                              "--spf-ip", "127.0.0.1", "--dmarc-policy",
                              "reject")
        ezone = os.path.join(work, "zones", "example.zone")
        with open(ezone, "w") as f:
            f.write(mp.soa("example") + "ns IN A 127.0.0.1\n" +
                    mp.zone_lines(z_good))
        zones.append(("example.", ezone))
        if netns:
            # our own loopback; resolv.conf cannot name a port: Knot on
            # 53 there, and a resolv.conf naming it for the legacy chain
            subprocess.check_call(["ip", "link", "set", "lo", "up"])
            resolv = os.path.join(work, "resolv.conf")
            with open(resolv, "w") as f:
                f.write("nameserver 127.0.0.1\noptions attempts:2\n")
            os.chmod(resolv, 0o644)
            subprocess.check_call(["mount", "--bind", resolv,
                                   "/etc/resolv.conf"])
            knot_rig.free_port = lambda: 53
        knot = knot_rig.Knot(args.knotd, zones).start()
        dns = "127.0.0.1@%d" % knot.port
        # RSA-only signing state: a copy of sign.test's identity would
        # share keys; make a domain of its own
        st_rsa, z_rsa = t.setup("rsa.test", "--key-type", "rsa",
                                "--no-mail-from", "--spf-ip", "127.0.0.1")
        mp.give_to_milter_user(st_rsa)
        # the pre-signed message for the verify runs
        gkey = [f for f in os.listdir(gst) if f.endswith(".pem")][0]
        raw = os.path.join(work, "verify.eml")
        with open(raw, "w") as f:
            f.write(mp.message("load@" + VDOM, "bench verify",
                               body="x" * 70 + "\r\n" * 1).replace(
                                   "\r\n", "\n") + ("y" * 72 + "\n") * 70)
        signed = os.path.join(work, "verify-signed.eml")
        with open(signed, "w") as f:
            f.write(t.run("sign", "--domain", VDOM, "--selector",
                          gkey[:-4], "--key", os.path.join(gst, gkey),
                          raw).stdout)
        rsa_key = [f for f in os.listdir(st_rsa) if f.endswith(".pem")][0]

        def setups():
            yield "alone", None, "mx", "load@sign.test", None
            yield "alone-signed", None, "mx", "load@" + VDOM, signed
            yield "inkan-sign", "inkan", "sub", "load@sign.test", None
            yield "inkan-sign-rsa", "inkan-rsa", "sub", "load@rsa.test", None
            yield "odk-sign", "opendkim", "mx", "load@sign.test", None
            yield "inkan-verify", "inkan", "mx", "load@" + VDOM, signed
            yield "inkan-verify-thread", "inkan-thread", "mx", \
                "load@" + VDOM, signed
            yield "inkan-verify-norecord", "inkan-norecord", "mx", \
                "load@" + VDOM, signed
            if netns:
                yield "legacy-verify", "legacy", "mx", "load@" + VDOM, \
                    signed

        for name, kind, portname, frm, msgfile in setups():
            if args.only and name not in args.only.split(","):
                continue
            milter = None
            rig_class, rig_kw = postfix_rig.PostfixRig, {}
            if kind is not None and kind.startswith("inkan"):
                sd = dict(states)
                sd["rsa.test"] = st_rsa
                milter = mp.Milter(args.milter, work, dns, sd,
                                   extra="spf_thread = yes\n"
                                   if kind == "inkan-thread" else "")
                if kind == "inkan-norecord":
                    with open(milter.conf) as f:
                        conf = [line for line in f
                                if not line.startswith("report_store")]
                    with open(milter.conf, "w") as f:
                        f.writelines(conf)
                milter.start()
                mspec = "inet:127.0.0.1:%d" % milter.port
                mpids = [milter.proc.pid]
            elif kind == "opendkim":
                milter = OpenDKIM(work, os.path.join(st_rsa, rsa_key),
                                  rsa_key[:-4]).start()
                mspec = "inet:127.0.0.1:%d" % milter.port
                mpids = [milter.proc.pid]
            elif kind == "legacy":
                milter = Legacy(work).start()
                mspec = milter.spec()
                mpids = [p.pid for p in milter.procs]
                rig_class = LegacyRig
                rig_kw = {"spf_conf": milter.spf_conf}
            else:
                mspec, mpids = None, []
            rows0 = report_rows(work)
            rig = rig_class(milter=mspec, **rig_kw).start()
            try:
                port = rig.sub_port if portname == "sub" else rig.mx_port
                # one warm-up round, not counted
                one_run(rig, port, min(200, args.messages), args.sessions,
                        frm, msgfile, mpids)
                if "verify" in name:
                    print("  %s: %s" % (name, auth_results(rig)),
                          flush=True)
                runs = [one_run(rig, port, args.messages, args.sessions,
                                frm, msgfile, mpids)
                        for _ in range(args.runs)]
            finally:
                rig.stop()
                if milter is not None:
                    milter.stop()
            if kind is not None and kind.startswith("inkan") and \
                    "verify" in name:
                # proof that recording was on (or off): the store after
                # the milter stopped and flushed its batches
                print("  %s: %d report rows recorded" % (
                    name, report_rows(work) - rows0), flush=True)
            row = {"name": name, "rate": median(runs, "rate"),
                   "pf_cpu": median(runs, "pf_cpu"),
                   "m_cpu": median(runs, "m_cpu"),
                   "spf_cpu": median(runs, "spf_cpu"),
                   "parts": [statistics.median(r["parts"][k] for r in runs)
                             for k in range(len(mpids))],
                   "rss0": runs[0]["rss0"], "rss1": runs[-1]["rss1"],
                   "lost": sum(r.get("lost", 0) for r in runs)}
            table.append(row)
            print("%-21s %7.1f msg/s  postfix %5.2f  milter %5.2f  "
                  "policyd-spf %5.2f CPU-s/1k  RSS %d -> %d kB  lost %d" % (
                      name, row["rate"], row["pf_cpu"], row["m_cpu"],
                      row["spf_cpu"], row["rss0"], row["rss1"],
                      row["lost"]), flush=True)
    finally:
        if knot is not None:
            knot.stop()
        shutil.rmtree(work, ignore_errors=True)
    rows = {r["name"]: r for r in table}
    print("\n| set-up | msg/s | Postfix CPU-s/1k | milter CPU-s/1k | "
          "policyd-spf CPU-s/1k | milter RSS start -> end |")
    print("|---|---|---|---|---|---|")
    for r in table:
        m = "%.2f" % r["m_cpu"]
        if len(r["parts"]) > 1:
            m += " (%s)" % " + ".join("%.2f" % v for v in r["parts"])
        print("| %s | %.0f | %.2f | %s | %s | %s |" % (
            r["name"], r["rate"], r["pf_cpu"], m,
            "%.2f" % r["spf_cpu"] if r["spf_cpu"] > 0.005 else "-",
            "%d -> %d kB" % (r["rss0"], r["rss1"]) if r["rss0"] else "-"))
    if "legacy-verify" in rows:
        print("(legacy-verify milter CPU and RSS: OpenDKIM + OpenDMARC)")
    print()

    def verdict(v, goal, higher):
        ok = v >= goal if higher else v <= goal
        return "(goal %s %.2f) %s" % (">=" if higher else "<=", goal,
                                      "met" if ok else "NOT met")

    def ratio(a, b, what, goal=None, higher=True):
        if a in rows and b in rows and rows[b]["rate"]:
            v = rows[a]["rate"] / rows[b]["rate"]
            print("%-52s %.2f %s" % (what, v, verdict(v, goal, higher)
                                     if goal is not None else ""))

    def cpu(r):
        return r["m_cpu"] + r["spf_cpu"]

    def cpu_ratio(a, b, what, goal=None):
        if a in rows and b in rows and cpu(rows[b]):
            v = cpu(rows[a]) / cpu(rows[b])
            print("%-52s %.2f %s" % (what, v, verdict(v, goal, False)
                                     if goal is not None else ""))

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
            print("%-52s %.2f CPU-s per 1,000 %s" % (
                name + " milter CPU", v, verdict(v, goal, False)))
    cpu_ratio("inkan-sign-rsa", "odk-sign",
              "milter CPU, inkan RSA sign / OpenDKIM sign")
    ratio("legacy-verify", "alone-signed",
          "legacy chain throughput / Postfix alone (same file)")
    ratio("inkan-verify", "legacy-verify",
          "inkan-milter verify / legacy chain, throughput", 1.0)
    cpu_ratio("inkan-verify", "legacy-verify",
              "inkan-milter verify / legacy chain, CPU (milters + "
              "policyd-spf)", 1.0)
    if "inkan-verify" in rows and "legacy-verify" in rows:
        a, b = rows["inkan-verify"], rows["legacy-verify"]
        if b["pf_cpu"] + cpu(b):
            print("%-52s %.2f" % ("inkan-milter verify / legacy chain, CPU "
                                  "with Postfix's", (a["pf_cpu"] + cpu(a)) /
                                  (b["pf_cpu"] + cpu(b))))
    # issue 12: recording must cost under 5% of the milter's throughput
    ratio("inkan-verify", "inkan-verify-norecord",
          "recording on / off, throughput", 0.95)
    cpu_ratio("inkan-verify", "inkan-verify-norecord",
              "recording on / off, milter CPU", 1.05)
    return 0


if __name__ == "__main__":
    sys.exit(main())
