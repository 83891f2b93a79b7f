#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""postfix_rig.py - a private Postfix instance on 127.0.0.1 for tests and
benchmarks, relaying everything to Postfix's own smtp-sink.

Everything lives in one fresh directory (config, queue, data, maillog,
the sink's dumps); the ports are free high ports; the system Postfix, if
any, is never touched (its config directory, queue and port 25 are not
used). Needs root (Postfix's master runs as root and becomes
mail_owner). Standard library only.

  rig = PostfixRig(milter="inet:127.0.0.1:PORT")   # or milter=None
  rig.start()
  rig.mx_port / rig.sub_port     SMTP ports: inbound, and submission
                                 (milter_macro_daemon_name=submission)
  rig.sendmail(frm, rcpt, data)  local submission (sendmail(1) -> pickup
                                 -> cleanup, whose non_smtpd_milters see
                                 milter_macro_daemon_name=local)
  rig.sink_messages()            list of (path, bytes) delivered
  rig.queue()                    postqueue -j as a list of dicts
  rig.stop()
"""
import glob
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time

POSTFIX = "/usr/sbin/postfix"
POSTQUEUE = "/usr/sbin/postqueue"
SMTP_SINK = "/usr/sbin/smtp-sink"

MASTER_CF = """\
127.0.0.1:{mx} inet n - n - {procs} smtpd
127.0.0.1:{sub} inet n - n - {procs} smtpd -o milter_macro_daemon_name=submission
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup -o milter_macro_daemon_name=local
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
local     unix  - n n - - local
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {dir}/queue
data_directory = {dir}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.verify.test
mydomain = verify.test
myorigin = verify.test
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:{sink}
smtp_host_lookup = native
disable_dns_lookups = yes
maillog_file_prefixes = {dir}
maillog_file = {dir}/maillog
in_flow_delay = 0
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_connection_rate_limit = 0
default_destination_concurrency_limit = 20
smtp_connection_cache_on_demand = yes
biff = no
{milters}
"""


def free_port():
    for _ in range(50):
        port = random.randint(20000, 60000)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


def wait_port(port, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class PostfixRig:
    def __init__(self, milter=None, procs=100, keep=False):
        self.milter = milter
        self.procs = procs
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix="inkan-postfix-")
        # mail_owner must reach the queue: the directory chain is 0755
        os.chmod(self.dir, 0o755)
        self.etc = os.path.join(self.dir, "etc")
        self.sinkdir = os.path.join(self.dir, "sink")
        self.sink = None
        self.started = False

    def _write(self):
        os.makedirs(self.etc, exist_ok=True)
        os.makedirs(self.sinkdir, exist_ok=True)
        # the queue belongs to root (postfix-script creates its
        # subdirectories for mail_owner); the data directory to
        # mail_owner
        os.makedirs(os.path.join(self.dir, "queue"), mode=0o755)
        data = os.path.join(self.dir, "data")
        os.makedirs(data, mode=0o700)
        shutil.chown(data, "postfix")
        milters = ""
        if self.milter:
            milters = ("smtpd_milters = %s\n"
                       "non_smtpd_milters = $smtpd_milters\n"
                       "milter_default_action = tempfail\n"
                       "milter_protocol = 6\n"
                       "milter_connect_timeout = 10s\n"
                       "milter_content_timeout = 60s\n") % self.milter
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write(MAIN_CF.format(dir=self.dir, sink=self.sink_port,
                                   milters=milters))
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(mx=self.mx_port, sub=self.sub_port,
                                     procs=self.procs))

    def postfix(self, *args, check=True):
        env = dict(os.environ, MAIL_CONFIG=self.etc)
        return subprocess.run([POSTFIX, "-c", self.etc] + list(args),
                              env=env, check=check, capture_output=True,
                              text=True, timeout=120)

    def start(self):
        self.mx_port = free_port()
        self.sub_port = free_port()
        self.sink_port = free_port()
        self._write()
        # the sink: every transaction dumped to its own file, named
        # after the time with a random suffix (smtp-sink -d)
        self.sink = subprocess.Popen(
            [SMTP_SINK, "-u", "root", "-d",
             os.path.join(self.sinkdir, "%Y%m%d%H/%M."),
             "127.0.0.1:%d" % self.sink_port, "256"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        if not wait_port(self.sink_port):
            raise RuntimeError("smtp-sink did not start")
        r = self.postfix("start", check=False)
        if r.returncode != 0:
            raise RuntimeError("postfix start: %s %s" % (r.stdout,
                                                          r.stderr))
        self.started = True
        if not (wait_port(self.mx_port) and wait_port(self.sub_port)):
            raise RuntimeError("postfix did not listen: %s" %
                               self.maillog()[-2000:])
        return self

    def sendmail(self, frm, rcpt, data):
        env = dict(os.environ, MAIL_CONFIG=self.etc)
        r = subprocess.run(["/usr/sbin/sendmail", "-C", self.etc, "-f", frm,
                            rcpt], input=data, env=env,
                           capture_output=True, timeout=60)
        return r.returncode

    def maillog(self):
        try:
            with open(os.path.join(self.dir, "maillog"),
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def queue(self):
        env = dict(os.environ, MAIL_CONFIG=self.etc)
        r = subprocess.run([POSTQUEUE, "-c", self.etc, "-j"], env=env,
                           capture_output=True, text=True, timeout=60)
        return [json.loads(line) for line in r.stdout.splitlines()
                if line.strip()]

    def flush(self):
        env = dict(os.environ, MAIL_CONFIG=self.etc)
        subprocess.run([POSTQUEUE, "-c", self.etc, "-f"], env=env,
                       capture_output=True, timeout=60)

    def sink_files(self):
        return sorted(p for p in glob.glob(os.path.join(self.sinkdir, "*",
                                                        "*"))
                      if os.path.isfile(p))

    def sink_messages(self):
        out = []
        for p in self.sink_files():
            with open(p, "rb") as f:
                out.append((p, f.read()))
        return out

    def clear_sink(self):
        for p in self.sink_files():
            os.unlink(p)

    def wait_delivered(self, count, timeout=120.0, held=0):
        """Wait until the sink has COUNT messages and the active queue
        is empty (HELD messages may stay in the hold queue)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            n = len(self.sink_files())
            if n >= count:
                q = [m for m in self.queue()
                     if m.get("queue_name") != "hold"]
                if not q:
                    return n
            time.sleep(0.2)
        return len(self.sink_files())

    def stop(self):
        if self.started:
            self.postfix("stop", check=False)
            self.started = False
        if self.sink is not None:
            self.sink.terminate()
            try:
                self.sink.wait(5)
            except subprocess.TimeoutExpired:
                self.sink.kill()
            self.sink = None
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def envelope(raw):
    """The sink's X-Mail-Args / X-Rcpt-Args lines, and the message after
    the sink's own header lines."""
    head = {}
    lines = raw.split(b"\n")
    i = 0
    while i < len(lines) and lines[i].startswith(b"X-"):
        k, _, v = lines[i].partition(b":")
        head[k.decode()] = v.strip().decode(errors="replace")
        i += 1
    return head, b"\n".join(lines[i:])
