#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""opendmarc_peer.py [ROWS [DOMAINS]] - OpenDMARC's report pipeline on the
same workload as bench_report: a history file of ROWS messages over DOMAINS
policy domains (the rows bench_report records: one day, 32 sources per
domain, 4 of them failing), imported with opendmarc-import into a private
MariaDB, then aggregate reports written with opendmarc-reports --test (no
mail). Prints wall and CPU seconds of each step, for the ratios in
README.md.

MariaDB runs from a temporary directory, as "nobody" when started by root,
on 127.0.0.1 at a free port, and is stopped at the end. Needs the Debian
packages opendmarc, mariadb-server and libdbd-mysql-perl.
"""
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
DOMAINS = int(sys.argv[2]) if len(sys.argv) > 2 else 100
DAY0 = 1700006400
SCHEMA = '/usr/share/dbconfig-common/data/opendmarc/install/mysql'


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def sink_smtp():
    """A loopback SMTP sink: opendmarc-reports connects even in --test
    mode. Returns its port."""
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(8)

    def session(c):
        f = c.makefile('rb')
        c.sendall(b'220 sink\r\n')
        data = False
        for line in f:
            if data:
                if line in (b'.\r\n', b'.\n'):
                    data = False
                    c.sendall(b'250 ok\r\n')
                continue
            cmd = line.strip().upper()
            if cmd == b'DATA':
                data = True
                c.sendall(b'354 go\r\n')
            elif cmd == b'QUIT':
                c.sendall(b'221 bye\r\n')
                break
            elif cmd.startswith(b'EHLO'):
                c.sendall(b'250-sink\r\n250 OK\r\n')
            else:
                c.sendall(b'250 ok\r\n')
        c.close()

    def serve():
        while True:
            c, _ = srv.accept()
            threading.Thread(target=session, args=(c,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def proc_cpu(pidfile):
    """CPU seconds used so far by the process in @pidfile (MariaDB)."""
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        with open('/proc/%d/stat' % pid) as f:
            st = f.read().rsplit(')', 1)[1].split()
        return (int(st[11]) + int(st[12])) / os.sysconf('SC_CLK_TCK')
    except (OSError, ValueError):
        return 0.0


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def history(path):
    """The rows of bench_report.c's make_row(), as OpenDMARC's filter
    writes them (key value lines, one "job" per message)."""
    with open(path, 'w') as f:
        for i in range(ROWS):
            d = i % DOMAINS
            src = (i // DOMAINS) % 32
            dom = 'd%04d.example' % d
            frm = ('news.' if i % 7 == 0 else '') + dom
            fail = src >= 28
            t = DAY0 + (i * 7919) % 86400
            f.write('job J%d\nreporter mx.receiver.example\nreceived %d\n'
                    'ipaddr 198.51.%d.%d\nfrom %s\nmfrom %s\nspf %d\n'
                    'pdomain %s\npolicy %d\nrua mailto:dmarc@reports.example\n'
                    'pct 100\nadkim 114\naspf 114\np 113\nsp 113\n'
                    'align_dkim %d\nalign_spf %d\naction %d\n'
                    'arc 2\narc_policy 0 json:[]\n'
                    'dkim %s s2024 %d\n' %
                    (i, t, src // 8, src % 8 + 1, frm, frm, 2 if fail else 0,
                     dom, 14 if fail else 16, 5 if fail else 4,
                     5 if fail else 4, 1 if fail else 0, frm,
                     1 if fail else 0))


def main():
    tmp = tempfile.mkdtemp(prefix='inkan-mariadb-')
    prefix = []
    user = []
    if os.geteuid() == 0:
        shutil.chown(tmp, 'nobody')
        prefix = ['runuser', '-u', 'nobody', '--']
        user = ['--user=nobody']
    data = os.path.join(tmp, 'data')
    sock = os.path.join(tmp, 'sock')
    port = free_port()
    proc = None
    try:
        subprocess.run(prefix + ['mariadb-install-db', '--no-defaults',
                                 '--datadir=' + data, '--skip-test-db',
                                 '--auth-root-authentication-method=normal']
                       + user, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        proc = subprocess.Popen(
            prefix + ['mariadbd', '--no-defaults', '--datadir=' + data,
                      '--socket=' + sock, '--port=%d' % port,
                      '--bind-address=127.0.0.1', '--skip-grant-tables',
                      '--pid-file=' + os.path.join(tmp, 'pid'),
                      '--innodb-flush-log-at-trx-commit=2'] + user,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        sql = ['mariadb', '--no-defaults', '-h', '127.0.0.1', '-P',
               str(port), '-u', 'root']
        for _ in range(300):
            if subprocess.run(sql + ['-e', 'SELECT 1'],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        subprocess.run(sql + ['-e', 'CREATE DATABASE opendmarc'], check=True)
        with open(SCHEMA) as f:
            subprocess.run(sql + ['opendmarc'], stdin=f, check=True)
        hist = os.path.join(tmp, 'history')
        history(hist)
        db = ['--dbhost=127.0.0.1', '--dbport=%d' % port, '--dbuser=root',
              '--dbpasswd=x', '--dbname=opendmarc']
        pidf = os.path.join(tmp, 'pid')
        c0, t0, m0 = children_cpu(), time.monotonic(), proc_cpu(pidf)
        with open(hist) as f:
            subprocess.run(['opendmarc-import'] + db, stdin=f, check=True)
        t_imp, c_imp = time.monotonic() - t0, children_cpu() - c0
        m_imp = proc_cpu(pidf) - m0
        print('opendmarc-import: %d messages, %d domains: %.2f s (%.2f s CPU '
              'importer + %.2f s CPU MariaDB): %.0f rows/s' %
              (ROWS, DOMAINS, t_imp, c_imp, m_imp, ROWS / t_imp))
        out = os.path.join(tmp, 'reports')
        os.mkdir(out)
        c0, t0, m0 = children_cpu(), time.monotonic(), proc_cpu(pidf)
        span = int(time.time()) - DAY0 + 2 * 86400
        subprocess.run(['opendmarc-reports'] + db +
                       ['--test', '--keepfiles', '--smtp-server=127.0.0.1',
                        '--smtp-port=%d' % sink_smtp(), '--interval=%d' % span, '--report-email=dmarc@receiver.example',
                        '--report-org=Bench Receiver'], cwd=out, check=True,
                       stdout=subprocess.DEVNULL)
        t_rep, c_rep = time.monotonic() - t0, children_cpu() - c0
        m_rep = proc_cpu(pidf) - m0
        files = os.listdir(out)
        print('opendmarc-reports: %d report files: %.2f s (%.2f s CPU script '
              '+ %.2f s CPU MariaDB)' % (len(files), t_rep, c_rep, m_rep))
    finally:
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
