#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""knot_rig.py - start a private Knot DNS for tests and benchmarks.

Knot runs as the current user on 127.0.0.1 at a free high port, with its
config, rundir, database and zone copies in a fresh temporary directory:
no root paths, no system service. It is stopped (and the directory
removed) on every way out: normal exit, exception, SIGTERM, SIGINT.

Also provides a "black hole": a UDP socket on another loopback port that
reads questions and never answers, for timeout tests.

Standard library only. Used by run_integration.py and bench/dns/run.sh:
  python3 knot_rig.py --knotd /usr/sbin/knotd --zone inkan.test=FILE -- CMD..
runs CMD with INKAN_TEST_DNS_SERVER=127.0.0.1@PORT and
INKAN_TEST_BLACKHOLE=127.0.0.1@PORT2 in its environment and exits with
CMD's status.
"""
import argparse
import atexit
import base64
import ctypes
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 right now."""
    for _ in range(50):
        port = random.randint(20000, 60000)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            u.bind(("127.0.0.1", port))
            t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free port found")


def die_with_parent():
    """In the child: get SIGTERM when the parent dies, even by SIGKILL
    (Linux prctl PR_SET_PDEATHSIG), so no knotd is ever left behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def soa_query(zone, qid, qtype=6):
    """A minimal DNS query packet for ZONE/QTYPE (SOA by default)."""
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in zone.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", qtype, 1)


def skip_name(msg, off):
    """Offset just past the (possibly compressed) name at OFF."""
    while True:
        c = msg[off]
        if c >= 0xC0:
            return off + 2
        if c == 0:
            return off + 1
        off += c + 1


def dnskeys(port, zone):
    """The DNSKEY RRs of ZONE as (flags, protocol, algorithm, key)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(soa_query(zone, 0x4321, 48), ("127.0.0.1", port))
        msg, _ = s.recvfrom(65535)
    finally:
        s.close()
    qd, an = struct.unpack(">HH", msg[4:8])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    keys = []
    for _ in range(an):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
        off += 10
        rd = msg[off:off + rdlen]
        off += rdlen
        if rtype == 48 and rdlen > 4:
            flags, proto, alg = struct.unpack(">HBB", rd[:4])
            keys.append((flags, proto, alg, rd[4:]))
    return keys


def answers(port, zone, timeout=0.3):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(soa_query(zone, 0x1234), ("127.0.0.1", port))
        data, _ = s.recvfrom(4096)
        # a response (QR) with NOERROR and at least one answer
        return (len(data) >= 12 and data[2] & 0x80 and
                data[3] & 0x0F == 0 and struct.unpack(">H", data[6:8])[0] > 0)
    except OSError:
        return False
    finally:
        s.close()


class Knot:
    def __init__(self, knotd, zones, keep=False):
        self.knotd = knotd
        self.zones = zones          # list of (origin, path)
        self.keep = keep
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="inkan-knot-")
        self.port = None

    def _write_config(self):
        for sub in ("run", "db", "zones"):
            os.mkdir(os.path.join(self.dir, sub))
        lines = [
            "server:",
            '    rundir: "%s/run"' % self.dir,
            "    listen: 127.0.0.1@%d" % self.port,
            "    tcp-workers: 2",
            "    udp-workers: 2",
            "    background-workers: 1",
            "database:",
            '    storage: "%s/db"' % self.dir,
            "template:",
            "  - id: default",
            '    storage: "%s/zones"' % self.dir,
            "    zonefile-sync: -1",
            "    zonefile-load: whole",
            "    journal-content: none",
            "log:",
            "  - target: stderr",
            "    any: warning",
            "zone:",
        ]
        for zone in self.zones:
            origin, path = zone[0], zone[1]
            name = origin.rstrip(".") + ".zone"
            shutil.copy(path, os.path.join(self.dir, "zones", name))
            lines += ["  - domain: %s" % origin, '    file: "%s"' % name]
            if len(zone) > 2 and zone[2] == "sign":
                # Knot's default policy: ECDSA P-256 KSK + ZSK, NSEC
                lines += ["    dnssec-signing: on"]
        conf = os.path.join(self.dir, "knot.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        return conf

    def start(self, wait=10.0):
        for attempt in range(3):
            self.port = free_port()
            if attempt == 0:
                conf = self._write_config()
            else:
                conf = self._rewrite_port(conf)
            self.log = open(os.path.join(self.dir, "knotd.log"), "w")
            self.proc = subprocess.Popen(
                [self.knotd, "-c", conf], stdout=self.log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=die_with_parent)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if all(answers(self.port, z[0]) for z in self.zones):
                    return self
                time.sleep(0.05)
            self.stop_process()
        with open(os.path.join(self.dir, "knotd.log")) as f:
            sys.stderr.write(f.read())
        raise RuntimeError("knotd did not start")

    def _rewrite_port(self, conf):
        with open(conf) as f:
            text = f.read()
        import re
        text = re.sub(r"listen: 127\.0\.0\.1@\d+",
                      "listen: 127.0.0.1@%d" % self.port, text)
        with open(conf, "w") as f:
            f.write(text)
        return conf

    def trust_anchor(self, origin):
        """Write the KSK of signed zone ORIGIN as a trust-anchor file (the
        form ub_ctx_add_ta_file reads) and return its path."""
        keys = [k for k in dnskeys(self.port, origin) if k[0] == 257]
        if not keys:
            raise RuntimeError("no KSK for %s" % origin)
        path = os.path.join(self.dir, origin.rstrip(".") + ".ta")
        with open(path, "w") as f:
            for flags, proto, alg, key in keys:
                f.write("%s. 300 IN DNSKEY %d %d %d %s\n" % (
                    origin.rstrip("."), flags, proto, alg,
                    base64.b64encode(key).decode()))
        return path

    def stop_process(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def stop(self):
        self.stop_process()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class BlackHole:
    """A UDP server that reads every question and answers none."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            try:
                self.sock.recvfrom(4096)
                self.received += 1
            except OSError:
                pass

    def stop(self):
        self.done.set()
        self.thread.join(2)
        self.sock.close()


def rig(knotd, zones):
    """Start Knot and a black hole; both stop on any exit."""
    knot = Knot(knotd, zones)
    hole = BlackHole()

    def cleanup():
        knot.stop()
        hole.stop()

    atexit.register(cleanup)

    def on_signal(signum, frame):
        cleanup()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    knot.start()
    return knot, hole


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--knotd", default=shutil.which("knotd") or
                    "/usr/sbin/knotd")
    ap.add_argument("--zone", action="append", default=[],
                    help="ORIGIN=FILE[:sign] (repeatable)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if not os.access(args.knotd, os.X_OK):
        print("knotd not found: skipping", file=sys.stderr)
        return 77
    zones = [tuple([z.split("=", 1)[0]] + z.split("=", 1)[1].split(":"))
             for z in args.zone]
    knot, hole = rig(args.knotd, zones)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    env = dict(os.environ)
    env["INKAN_TEST_DNS_SERVER"] = "127.0.0.1@%d" % knot.port
    env["INKAN_TEST_BLACKHOLE"] = "127.0.0.1@%d" % hole.port
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
