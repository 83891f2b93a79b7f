#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`inkan report ingest --imap` against a real Dovecot.

The test starts Dovecot on 127.0.0.1 (a free port), with a Maildir and a
passwd-file user in a temporary directory, loads report mails, and:
 - kills the ingest (SIGKILL, by inkan's fault-injection variable) right
   after the second message is fetched and before it is stored;
 - reruns it: every report is stored exactly once, every message is
   flagged $InkanStored, none is lost;
 - runs it again: nothing new;
 - moves a stored message with --imap-move;
 - refuses a login file that others can read.

usage: test_imap.py INKAN SHARED_DMARC_DIR
"""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

INKAN, DMARC = sys.argv[1], sys.argv[2]
passes = failures = 0


def check(cond, what):
    global passes, failures
    if cond:
        passes += 1
    else:
        failures += 1
        print('FAIL:', what)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def stored_flag(md):
    """messages carrying inkan's keyword (Dovecot keeps keywords as
    lower-case letters in the Maildir flags), and all messages"""
    names = os.listdir(os.path.join(md, 'cur')) + \
        os.listdir(os.path.join(md, 'new'))
    flagged = [n for n in names if ':2,' in n and
               any(c.islower() for c in n.split(':2,')[1])]
    return len(flagged), len(names)


def main():
    dovecot = shutil.which('dovecot') or '/usr/sbin/dovecot'
    if not os.path.exists(dovecot):
        print('FAIL: dovecot is not installed (scripts/install-deps)')
        return 1
    tmp = tempfile.mkdtemp(prefix='inkan-imap-')
    os.chmod(tmp, 0o755)
    md = os.path.join(tmp, 'home', 'reports', 'Maildir')
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(md, sub))
    agg = os.path.join(DMARC, 'aggregate')
    mails = [
        (agg, 'parsedmarc-google.com-borschow.com-949348866075514174.eml'),
        (agg, 'parsedmarc-mimecast-weird-gzip.eml'),
        (os.path.join(DMARC, 'failure'), 'parsedmarc-domain.de-sharepoint.eml'),
    ]
    for i, (d, f) in enumerate(mails):
        with open(os.path.join(d, f), 'rb') as src, \
                open(os.path.join(md, 'new', '10%d.M1P1.test' % i),
                     'wb') as dst:
            dst.write(src.read().replace(b'\r\n', b'\n'))
    # a plain gzip report as a message of its own, base64 attachment
    with open(os.path.join(agg, 'parsedmarc-fastmail.com!example.com!'
                           '1516060800!1516147199!102675056.xml.gz'),
              'rb') as f:
        import base64
        b64 = base64.encodebytes(f.read()).decode()
    with open(os.path.join(md, 'new', '103.M1P1.test'), 'w') as f:
        f.write('From: dmarc@fastmail.example\nSubject: Report\n'
                'MIME-Version: 1.0\nContent-Type: application/gzip\n'
                'Content-Transfer-Encoding: base64\n\n' + b64)
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:
        # Dovecot never runs mail processes as root: the mailbox belongs
        # to nobody for the test
        import pwd
        nobody = pwd.getpwnam('nobody')
        uid, gid = nobody.pw_uid, nobody.pw_gid
        for root, dirs, files in os.walk(os.path.join(tmp, 'home')):
            for n in dirs + files:
                os.chown(os.path.join(root, n), uid, gid)
        os.chown(os.path.join(tmp, 'home'), uid, gid)
    port = free_port()
    passwd = os.path.join(tmp, 'passwd')
    with open(passwd, 'w') as f:
        f.write('reports:{PLAIN}s3cret::::::\n')
    conf = os.path.join(tmp, 'dovecot.conf')
    with open(conf, 'w') as f:
        f.write('''base_dir = %(t)s/run
state_dir = %(t)s/state
log_path = %(t)s/dovecot.log
info_log_path = %(t)s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %(t)s/passwd
}
userdb {
  driver = static
  args = uid=%(uid)d gid=%(gid)d home=%(t)s/home/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %(port)d
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
}
''' % dict(t=tmp, uid=uid, gid=gid, port=port))
    srv = subprocess.Popen([dovecot, '-F', '-c', conf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', port), 1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            print('FAIL: dovecot did not start')
            print(open(os.path.join(tmp, 'dovecot.log')).read()
                  if os.path.exists(os.path.join(tmp, 'dovecot.log'))
                  else srv.stdout.read().decode())
            return 1
        login = os.path.join(tmp, 'login')
        with open(login, 'w') as f:
            f.write('reports:s3cret\n')
        os.chmod(login, 0o600)
        db = os.path.join(tmp, 'r.db')
        url = 'imap://127.0.0.1:%d/INBOX' % port
        base = [INKAN, '--json', 'report', 'ingest', '--db', db, '--imap',
                url, '--imap-login', login]

        # killed after fetching message 2, before storing it
        env = dict(os.environ, INKAN_TEST_IMAP_KILL_AFTER_FETCH='2')
        p = subprocess.run(base, capture_output=True, env=env, timeout=120)
        check(p.returncode == -9, 'ingest was killed (%d): %s' %
              (p.returncode, p.stderr.decode()))
        c = sqlite3.connect(db)
        n = c.execute('SELECT COUNT(*) FROM rua_reports').fetchone()[0]
        c.close()
        check(n == 1, 'the first report was stored before the kill (%d)' % n)
        s, total = stored_flag(md)
        check(s == 1 and total == 4, 'only the stored message is flagged '
              '(%d of %d)' % (s, total))

        # rerun: the rest is stored, nothing twice
        p = subprocess.run(base, capture_output=True, timeout=120)
        st = json.loads(p.stdout.decode() or '{}')
        check(p.returncode == 0, 'rerun exits 0: %s' % p.stderr.decode())
        check(st.get('aggregate_new') == 2 and st.get('failure_new') == 1,
              'rerun stores the other three: %s' % st)
        c = sqlite3.connect(db)
        n = c.execute('SELECT COUNT(*) FROM rua_reports').fetchone()[0]
        nf = c.execute('SELECT COUNT(*) FROM ruf_reports').fetchone()[0]
        c.close()
        check(n == 3 and nf == 1, 'nothing lost, nothing doubled (%d, %d)'
              % (n, nf))
        s, total = stored_flag(md)
        check(s == 4, 'every message is flagged stored (%d)' % s)

        p = subprocess.run(base, capture_output=True, timeout=120)
        st = json.loads(p.stdout.decode() or '{}')
        check(p.returncode == 0 and st.get('aggregate_new') == 0 and
              st.get('aggregate_dup') == 0, 'third run fetches nothing: %s'
              % st)

        # --imap-move: a new report mail is stored, then moved
        arch = os.path.join(md, '.Archive')
        for sub in ('cur', 'new', 'tmp'):
            os.makedirs(os.path.join(arch, sub))
        with open(os.path.join(agg, 'parsedmarc-ikea.com!example.de!'
                               '1538690400!1538776800.xml'), 'rb') as f:
            xml = f.read()
        with open(os.path.join(md, 'new', '200.M1P1.test'), 'wb') as f:
            f.write(b'From: dmarc@ikea.example\nSubject: Report\n'
                    b'MIME-Version: 1.0\nContent-Type: text/xml\n\n' + xml)
        if os.getuid() == 0:
            for root, dirs, fs in os.walk(md):
                for n in dirs + fs:
                    os.chown(os.path.join(root, n), uid, gid)
        p = subprocess.run(base + ['--imap-move', 'Archive'],
                           capture_output=True, timeout=120)
        st = json.loads(p.stdout.decode() or '{}')
        moved = os.listdir(os.path.join(arch, 'cur')) + \
            os.listdir(os.path.join(arch, 'new'))
        check(p.returncode == 0 and st.get('aggregate_new') == 1 and
              len(moved) == 1, '--imap-move stores, then moves: %s %s %s' %
              (st, moved, p.stderr.decode()))
        check(stored_flag(md)[1] == 4, 'the moved message left INBOX')

        os.chmod(login, 0o644)
        p = subprocess.run(base, capture_output=True, timeout=60)
        check(p.returncode != 0 and b'chmod 600' in p.stderr,
              'a readable login file is refused')
        os.chmod(login, 0o600)
        with open(login, 'w') as f:
            f.write('reports:wrong\n')
        p = subprocess.run(base, capture_output=True, timeout=60)
        check(p.returncode == 3, 'a bad login is a temporary failure (%d)' %
              p.returncode)
    finally:
        srv.terminate()
        try:
            srv.wait(timeout=30)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (passes, failures))
    return 1 if failures else 0


sys.exit(main())
