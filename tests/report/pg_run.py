#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pg_run.py - run a command against a private PostgreSQL server.

Starts PostgreSQL the way the report suite needs it: initdb in a new
temporary directory as an unprivileged user (PostgreSQL refuses to run as
root; CI runs as root, so the server runs as "nobody" through runuser),
listening on 127.0.0.1 only, on a free port chosen at random, with its
Unix socket in the temporary directory. The command runs with
INKAN_TEST_STORE=postgresql://... set; the server is stopped and its
directory removed at the end, whatever happened.

  pg_run.py PROGRAM [ARGS...]      exit status is PROGRAM's
"""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def pg_bin(name):
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/' + name))
    if not found:
        sys.exit('pg_run: %s not found (apt-get install postgresql)' % name)
    return found[-1]


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def as_user():
    """Command prefix that drops to an unprivileged user when root."""
    if os.geteuid() != 0:
        return [], None
    return ['runuser', '-u', 'nobody', '--'], 'nobody'


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='inkan-pg-')
        self.prefix, user = as_user()
        if user:
            shutil.chown(self.dir, user)
            os.chmod(self.dir, 0o700)
        self.data = os.path.join(self.dir, 'data')
        self.proc = None
        self.port = None

    def start(self):
        subprocess.run(self.prefix + [pg_bin('initdb'), '-D', self.data,
                       '-U', 'inkan', '--auth=trust', '-E', 'UTF8',
                       '--no-locale', '--no-sync'],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.STDOUT)
        for _ in range(5):
            self.port = free_port()
            log = open(os.path.join(self.dir, 'log'), 'ab')
            self.proc = subprocess.Popen(
                self.prefix + [pg_bin('postgres'), '-D', self.data,
                               '-h', '127.0.0.1', '-p', str(self.port),
                               '-k', self.dir, '-c', 'fsync=off',
                               '-c', 'max_connections=40',
                               '-c', 'shared_buffers=32MB'],
                stdout=log, stderr=log, start_new_session=True)
            if self.wait_ready():
                return
            self.stop_server()
        raise RuntimeError('postgres did not start; see ' + self.dir)

    def wait_ready(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False       # port taken in the meantime: retry
            r = subprocess.run([pg_bin('pg_isready'), '-h', '127.0.0.1',
                                '-p', str(self.port), '-U', 'inkan'],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                return True
            time.sleep(0.2)
        return False

    def uri(self, db='postgres'):
        return 'postgresql://inkan@127.0.0.1:%d/%s' % (self.port, db)

    def stop_server(self):
        if self.proc and self.proc.poll() is None:
            # the whole session: runuser does not pass signals on;
            # SIGINT is PostgreSQL's fast shutdown
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def close(self):
        self.stop_server()
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    srv = Server()
    try:
        srv.start()
        env = dict(os.environ, INKAN_TEST_STORE=srv.uri())
        return subprocess.run(sys.argv[1:], env=env).returncode
    finally:
        srv.close()


if __name__ == '__main__':
    sys.exit(main())
