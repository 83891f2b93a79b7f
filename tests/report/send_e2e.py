#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""send_e2e.py INKAN - `inkan verify --record`, `inkan report build` and
`inkan report send` end to end, on the store INKAN_TEST_STORE names
(a postgresql:// URI from pg_run.py) or on SQLite files.

A capture SMTP server in this process (127.0.0.1, random port) receives
the report mail. Checked: the DKIM signature verifies (dkimpy, a peer);
the attachment unzips; the XML validates against RFC 9990's XSD; its
counts equal what was recorded; an unauthorized external rua is skipped
and logged; a denied destination is skipped; a report over the size
limit becomes a notice; a second send of the same window sends nothing;
kill -9 of a send at a random moment, then a rerun: every report arrives
once or twice with the same Report-ID and no row is lost; two sends at
once on one store: each report arrives once. TAP output.
"""
import base64
import email
import email.policy
import gzip
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import dkim

INKAN = os.path.abspath(sys.argv[1])
SHARED = os.path.abspath(sys.argv[2])
XSD = os.path.join(SHARED, 'testsuites/dmarc/schema/rfc9990-dmarc-xml-0.2.xsd')
PG = os.environ.get('INKAN_TEST_STORE', '')
T0 = 1700006400          # a UTC midnight
tmp = tempfile.mkdtemp(prefix='inkan-report-e2e-')
n_test = 0
fails = 0


def ok(cond, name, detail=''):
    global n_test, fails
    n_test += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n_test, name))
    if not cond:
        fails += 1
        for line in str(detail).splitlines()[-30:]:
            print('#   ' + line)


# ---- a capture SMTP server ------------------------------------------------

class Capture:
    """Minimal RFC 5321 server: EHLO, MAIL, RCPT, DATA, QUIT."""

    def __init__(self, delay=0.0):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.msgs = []
        self.lock = threading.Lock()
        self.delay = delay
        self.stop = False
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(c,),
                             daemon=True).start()

    def session(self, c):
        f = c.makefile('rb')
        try:
            c.sendall(b'220 capture ESMTP\r\n')
            rcpt = []
            sender = None
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.strip().upper()
                if cmd.startswith(b'EHLO') or cmd.startswith(b'HELO'):
                    c.sendall(b'250-capture\r\n250 8BITMIME\r\n')
                elif cmd.startswith(b'MAIL FROM:'):
                    sender = line.strip()[10:]
                    c.sendall(b'250 ok\r\n')
                elif cmd.startswith(b'RCPT TO:'):
                    rcpt.append(line.strip()[8:].strip(b'<>').decode())
                    c.sendall(b'250 ok\r\n')
                elif cmd == b'DATA':
                    c.sendall(b'354 go\r\n')
                    data = []
                    while True:
                        d = f.readline()
                        if d in (b'.\r\n', b''):
                            break
                        if d.startswith(b'.'):
                            d = d[1:]
                        data.append(d)
                    if self.delay:
                        time.sleep(self.delay)
                    with self.lock:
                        self.msgs.append((sender, list(rcpt),
                                          b''.join(data)))
                    c.sendall(b'250 queued\r\n')
                    rcpt = []
                elif cmd == b'QUIT':
                    c.sendall(b'221 bye\r\n')
                    return
                else:
                    c.sendall(b'250 ok\r\n')
        except OSError:
            pass
        finally:
            c.close()

    def close(self):
        self.stop = True
        self.sock.close()


# ---- the world: keys, DNS, config ---------------------------------------

os.mkdir(os.path.join(tmp, 'k'))
keyrec = subprocess.run([INKAN, 'keygen', '--type', 'rsa', '--selector',
                         'reports', '--domain', 'receiver.example',
                         '--out', os.path.join(tmp, 'k')],
                        capture_output=True, text=True, check=True).stdout
KEY = os.path.join(tmp, 'k', 'reports.receiver.example.pem')
DKIM_TXT = ''.join(re.findall(r'"([^"]*)"', keyrec))

DOMAINS = {
    # domain: (rua, comment)
    'example.com': 'mailto:dmarc@example.com',
    'ext.example': 'mailto:r@thirdparty.example',      # not authorized
    'auth.example': 'mailto:r@agg.example',             # authorized
    'deny.example': 'mailto:x@denied.example',          # deny list
    'big.example': 'mailto:r@big.example!1k',           # over !size
    'redir.example': 'mailto:r@agg2.example',           # step 9 override
    'hijack.example': 'mailto:r@agg3.example',          # override elsewhere
}
zone = ['$ORIGIN .', '$TTL 300']
for d, rua in DOMAINS.items():
    zone.append('%s. TXT "v=spf1 ip4:192.0.2.0/24 -all"' % d)
    zone.append('_dmarc.%s. TXT "v=DMARC1; p=quarantine; rua=%s"' % (d, rua))
zone.append('auth.example._report._dmarc.agg.example. TXT "v=DMARC1"')
zone.append('redir.example._report._dmarc.agg2.example. TXT '
            '"v=DMARC1; rua=mailto:override@agg2.example"')
zone.append('hijack.example._report._dmarc.agg3.example. TXT '
            '"v=DMARC1; rua=mailto:x@elsewhere.example"')
for i in range(40):
    d = 'k%d.example' % i
    zone.append('%s. TXT "v=spf1 ip4:192.0.2.0/24 -all"' % d)
    zone.append('_dmarc.%s. TXT "v=DMARC1; p=none; rua=mailto:d@%s"' % (d, d))
# failure reports (RFC 9991): ruf only, so no aggregate report is due
RUF = {
    'ruf1.example': 'ruf=mailto:f@ruf1.example; fo=1',
    'ruf0.example': 'ruf=mailto:f@ruf0.example; fo=0',
    'rufext.example': 'ruf=mailto:f@thirdparty.example; fo=1',
    'rufauth.example': 'ruf=mailto:f@agg4.example; fo=1',
}
# RFC 9991 5: the authorization's ruf= (not rua=) redirects
zone.append('rufauth.example._report._dmarc.agg4.example. TXT '
            '"v=DMARC1; rua=mailto:agg@agg4.example; '
            'ruf=mailto:over@agg4.example"')
for d, tags in RUF.items():
    zone.append('%s. TXT "v=spf1 ip4:192.0.2.0/24 -all"' % d)
    zone.append('_dmarc.%s. TXT "v=DMARC1; p=reject; %s"' % (d, tags))
ZONE = os.path.join(tmp, 'zone')
with open(ZONE, 'w') as f:
    f.write('\n'.join(zone) + '\n')


def config(port, extra=''):
    path = os.path.join(tmp, 'report.conf')
    with open(path, 'w') as f:
        f.write('org_name = Receiver Test\n'
                'email = dmarc-reports@receiver.example\n'
                'receiver = receiver.example\n'
                'dkim_domain = receiver.example\n'
                'dkim_selector = reports\n'
                'dkim_key = %s\n'
                'relay = 127.0.0.1:%d\n'
                'deny = denied.example\n%s' % (KEY, port, extra))
    return path


store_n = [0]


def fresh_store():
    store_n[0] += 1
    if PG:
        subprocess.run(['psql', '-q', '-X', PG, '-c',
                        'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'],
                       check=True, capture_output=True)
        return PG
    return os.path.join(tmp, 'store%d.db' % store_n[0])


def record(db, domain, ip, when, n=1):
    msg = os.path.join(tmp, 'm-%s.eml' % domain)
    with open(msg, 'w') as f:
        f.write('From: a@%s\nTo: b@receiver.example\nSubject: x\n'
                'Message-ID: <%s@%s>\n\nbody\n' % (domain, when, domain))
    for k in range(n):
        r = subprocess.run([INKAN, 'verify', '--dns-zone', ZONE, '--record',
                            db, '--ip', ip, '--mail-from', 'a@' + domain,
                            '--rcpt-to', 'b@receiver.example', '--now',
                            str(when + k), msg], capture_output=True,
                           text=True)
        if r.returncode not in (0, 1):
            raise RuntimeError(r.stderr)


def send(db, cfg, now, **kw):
    return subprocess.run([INKAN, 'report', 'send', '--dns-zone', ZONE,
                           '--db', db, '--config', cfg, '--now', str(now)],
                          capture_output=True, text=True, **kw)


def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    if name.rstrip('.') == 'reports._domainkey.receiver.example':
        return DKIM_TXT.encode()
    return b''


def attachment(raw):
    m = email.message_from_bytes(raw, policy=email.policy.default)
    for part in m.walk():
        if part.get_content_type() == 'application/gzip':
            return m, part.get_filename(), part.get_payload(decode=True)
    return m, None, None


def validate(xml):
    p = os.path.join(tmp, 'check.xml')
    with open(p, 'wb') as f:
        f.write(xml)
    r = subprocess.run(['xmllint', '--noout', '--nonet', '--schema', XSD, p],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stderr


def counts(xml):
    return sum(int(c) for c in re.findall(rb'<count>(\d+)</count>', xml))


def report_ids(msgs):
    out = {}
    for _, rcpt, raw in msgs:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        rid = re.search(r'Report-ID: <([^>]+)>', str(m['Subject']))
        out.setdefault(rid.group(1) if rid else None, []).append(raw)
    return out


# ---- 1. the checks before sending, and what arrives -------------------

def test_send_checks():
    db = fresh_store()
    record(db, 'example.com', '192.0.2.10', T0 + 100, n=3)
    record(db, 'example.com', '198.51.100.1', T0 + 200)
    for d in ('ext.example', 'auth.example', 'deny.example', 'big.example',
              'redir.example', 'hijack.example'):
        record(db, d, '192.0.2.20', T0 + 300)
    cap = Capture()
    cfg = config(cap.port, 'size_cap = 1048576\n')
    r = send(db, cfg, T0 + 86400 + 660)
    ok(r.returncode == 0, 'send: exit 0', r.stdout + r.stderr)
    ok('7 reports built' in r.stdout, 'send: 7 reports built', r.stdout)
    ok(re.search(r'redirected mailto:r@agg2.example \S+: redirected to '
                 r'override@agg2.example', r.stderr),
       'RFC 9990 4 step 9: the authorization\'s rua is used', r.stderr)
    ok(re.search(r'skipped mailto:r@agg3.example \S+: the authorization at '
                 r'\S+ names a destination on another host', r.stderr),
       'an override on another host voids the authorization', r.stderr)
    ok(re.search(r'skipped mailto:r@thirdparty.example \S+: external '
                 r'destination thirdparty.example did not authorize',
                 r.stderr), 'unauthorized external rua skipped and logged',
       r.stderr)
    ok(re.search(r'skipped mailto:x@denied.example \S+: on the deny list',
                 r.stderr), 'denied destination skipped', r.stderr)
    ok(re.search(r'skipped mailto:r@big.example!1k \S+: \d+ bytes over the '
                 r'limit of 1024: a notice was sent', r.stderr),
       'over-size report: notice instead', r.stderr)
    by_rcpt = {}
    for s, rcpt, raw in cap.msgs:
        by_rcpt.setdefault(rcpt[0], []).append(raw)
    ok(sorted(by_rcpt) == ['dmarc@example.com', 'override@agg2.example',
                           'r@agg.example', 'r@big.example'],
       'mail went to the allowed destinations only', sorted(by_rcpt))
    ok(all(len(v) == 1 for v in by_rcpt.values()), 'one message each')
    for rcpt in ('dmarc@example.com', 'r@agg.example'):
        raw = by_rcpt.get(rcpt, [b''])[0]
        ok(dkim.verify(raw, dnsfunc=dnsfunc), rcpt + ': DKIM verifies '
           '(dkimpy)')
        m, fname, gz = attachment(raw)
        dom = rcpt.split('@')[1] if rcpt != 'r@agg.example' else \
            'auth.example'
        if rcpt == 'dmarc@example.com':
            dom = 'example.com'
        ok(fname is not None and re.fullmatch(
            r'receiver\.example!%s!%d!%d!\w+\.xml\.gz' %
            (re.escape(dom), T0, T0 + 86399), fname),
           rcpt + ': RFC 9990 filename', fname)
        subj = ' '.join(str(m['Subject']).split())
        ok(subj.startswith('Report Domain: %s Submitter: receiver.example '
                           'Report-ID: <' % dom), rcpt + ': Subject', subj)
        xml = gzip.decompress(gz) if gz else b''
        valid, err = validate(xml)
        ok(valid, rcpt + ': XML valid against RFC 9990 XSD', err)
        want = 4 if dom == 'example.com' else 1
        ok(counts(xml) == want, rcpt + ': counts equal recorded (%d)' % want,
           counts(xml))
    notice = by_rcpt.get('r@big.example', [b''])[0]
    ok(b'application/gzip' not in notice and b'is available but was not '
       b'sent' in notice, 'over-size: a notice without the report')
    ok(dkim.verify(notice, dnsfunc=dnsfunc), 'notice: DKIM verifies')
    # 2. the same window again: nothing new
    before = len(cap.msgs)
    r = send(db, cfg, T0 + 86400 + 720)
    ok(r.returncode == 0 and len(cap.msgs) == before,
       'second send of the same window sends nothing', r.stdout + r.stderr)
    # build writes nothing more either: every report is done
    out = os.path.join(tmp, 'out1')
    os.mkdir(out)
    r = subprocess.run([INKAN, 'report', 'build', '--db', db, '--out', out,
                        '--config', cfg, '--now', str(T0 + 86400 + 720)],
                       capture_output=True, text=True)
    ok(r.returncode == 0 and os.listdir(out) == [],
       'build after send: nothing due', r.stdout + r.stderr)
    cap.close()


def test_build_files():
    db = fresh_store()
    record(db, 'example.com', '192.0.2.10', T0 + 100, n=2)
    record(db, 'k1.example', '192.0.2.11', T0 + 100)
    out = os.path.join(tmp, 'out2')
    os.mkdir(out)
    for fmt in ('9990',):
        r = subprocess.run([INKAN, 'report', 'build', '--db', db, '--out',
                            out, '--org-name', 'R', '--email', 'r@r.example',
                            '--receiver', 'r.example', '--now',
                            str(T0 + 86400 + 600), '--format', fmt],
                           capture_output=True, text=True)
    files = sorted(os.listdir(out))
    ok(r.returncode == 0 and len(files) == 2, 'build: one file per policy '
       'domain', r.stdout + r.stderr)
    total = 0
    for fn in files:
        with gzip.open(os.path.join(out, fn)) as f:
            xml = f.read()
        valid, err = validate(xml)
        ok(valid, 'build: %s valid' % fn, err)
        total += counts(xml)
    ok(total == 3, 'build: counts equal recorded', total)


# ---- 3. kill -9 in the middle, then a rerun -----------------------------

def test_kill9():
    db = fresh_store()
    ndom = 12
    for i in range(ndom):
        record(db, 'k%d.example' % i, '192.0.2.%d' % (i + 1), T0 + 10 + i)
    cap = Capture(delay=0.05)
    cfg = config(cap.port)
    p = subprocess.Popen([INKAN, 'report', 'send', '--dns-zone', ZONE,
                          '--db', db, '--config', cfg, '--now',
                          str(T0 + 86400 + 600)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0.0, 0.7))
    p.send_signal(signal.SIGKILL)
    p.wait()
    first = len(cap.msgs)
    r = send(db, cfg, T0 + 86400 + 630)
    ok(r.returncode == 0, 'rerun after kill -9: exit 0 (%d sent before the '
       'kill)' % first, r.stdout + r.stderr)
    ids = report_ids(cap.msgs)
    ok(len(ids) == ndom and None not in ids,
       'every report arrived (%d Report-IDs)' % len(ids), sorted(ids))
    ok(all(1 <= len(v) <= 2 for v in ids.values()),
       'each report arrived once or twice',
       {k: len(v) for k, v in ids.items()})
    same = True
    total = 0
    for rid, raws in ids.items():
        names = {attachment(x)[1] for x in raws}
        same = same and len(names) == 1
        total += counts(gzip.decompress(attachment(raws[0])[2]))
    ok(same, 'a resent report has the same filename')
    ok(total == ndom, 'no row lost: counts add up to %d' % ndom, total)
    cap.close()


# ---- 4. two sends at once on one store --------------------------------

def test_concurrent():
    db = fresh_store()
    ndom = 8
    for i in range(ndom):
        record(db, 'k%d.example' % i, '192.0.2.%d' % (i + 1), T0 + 10 + i)
    cap = Capture(delay=0.02)
    cfg = config(cap.port)
    procs = [subprocess.Popen([INKAN, 'report', 'send', '--dns-zone', ZONE,
                               '--db', db, '--config', cfg, '--now',
                               str(T0 + 86400 + 600)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate() for p in procs]
    ok(all(p.returncode == 0 for p in procs), 'two sends at once: both '
       'exit 0', outs)
    ids = report_ids(cap.msgs)
    ok(len(ids) == ndom and all(len(v) == 1 for v in ids.values()),
       'two sends at once: each report exactly once',
       {k: len(v) for k, v in ids.items()})
    cap.close()


# ---- 5. the sendmail binary, and the daily cap ------------------------

def test_sendmail_and_cap():
    db = fresh_store()
    # two windows of one domain: two reports to one destination
    record(db, 'example.com', '192.0.2.10', T0 + 100)
    record(db, 'example.com', '192.0.2.10', T0 + 86400 + 100)
    spool = os.path.join(tmp, 'spool')
    os.mkdir(spool)
    fake = os.path.join(tmp, 'sendmail')
    with open(fake, 'w') as f:
        # a sendmail stand-in: its arguments and the message, one file
        # per call (the real binary's interface: -oi -f FROM -- RCPT)
        f.write('#!/bin/sh\nn=$(ls "%s" | grep -c "^msg")\n'
                'printf "%%s\\n" "$@" > "%s/args.$n"\n'
                'cat > "%s/msg.$n"\n' % (spool, spool, spool))
    os.chmod(fake, 0o755)
    cfg = config(1, 'rate_cap = 1\n')
    r = subprocess.run([INKAN, 'report', 'send', '--dns-zone', ZONE, '--db',
                        db, '--config', cfg, '--sendmail', fake, '--relay',
                        '', '--now', str(T0 + 2 * 86400 + 600)],
                       capture_output=True, text=True)
    ok(r.returncode == 2, 'an empty --relay is refused', r.stderr)
    path = os.path.join(tmp, 'report.conf')
    with open(path) as f:
        text = f.read().replace('relay = 127.0.0.1:1\n', '')
    with open(path, 'w') as f:
        f.write(text)
    r = subprocess.run([INKAN, 'report', 'send', '--dns-zone', ZONE, '--db',
                        db, '--config', path, '--sendmail', fake, '--now',
                        str(T0 + 2 * 86400 + 600)], capture_output=True,
                       text=True)
    ok(r.returncode == 0 and '1 sent' in r.stdout and '1 deferred' in
       r.stdout, 'rate_cap 1: one sent, one deferred', r.stdout + r.stderr)
    ok('daily cap of 1 reports to this destination reached' in r.stderr,
       'the cap is logged', r.stderr)
    args = open(os.path.join(spool, 'args.0')).read().split('\n')
    ok(args[:5] == ['-oi', '-f', 'dmarc-reports@receiver.example', '--',
                    'dmarc@example.com'], 'sendmail: -oi -f FROM -- RCPT',
       args)
    raw = open(os.path.join(spool, 'msg.0'), 'rb').read()
    ok(dkim.verify(raw, dnsfunc=dnsfunc), 'sendmail: DKIM verifies')
    # a day later the cap allows the second one
    r = subprocess.run([INKAN, 'report', 'send', '--dns-zone', ZONE, '--db',
                        db, '--config', path, '--sendmail', fake, '--now',
                        str(T0 + 3 * 86400 + 600)], capture_output=True,
                       text=True)
    ok(r.returncode == 0 and '1 sent' in r.stdout and
       os.path.exists(os.path.join(spool, 'msg.1')),
       'the deferred report goes the next day', r.stdout + r.stderr)


# ---- 6. failure reports: queued by verify, mailed by send --------------

def verify_ruf(db, domain, ip, when, *extra):
    msg = os.path.join(tmp, 'f-%s.eml' % domain)
    with open(msg, 'w') as f:
        f.write('From: Alice Smith <alice.smith@%s>\nTo: bob@receiver.example'
                '\nSubject: my secret plans\nMessage-ID: <%d@%s>\n\n'
                'BODYTEXT\n' % (domain, when, domain))
    r = subprocess.run([INKAN, 'verify', '--dns-zone', ZONE, '--record', db,
                        '--ip', ip, '--mail-from', 'alice.smith@' + domain,
                        '--now', str(when), msg] + list(extra),
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise RuntimeError(r.stderr)


def queued(db):
    if PG:
        r = subprocess.run(['psql', '-q', '-X', '-A', '-t', PG, '-c',
                            'SELECT uri, state FROM failure_reports ORDER '
                            'BY id'], capture_output=True, text=True,
                           check=True)
        return [tuple(x.split('|')) for x in r.stdout.split()]
    c = sqlite3.connect(db)
    try:
        return c.execute('SELECT uri, state FROM failure_reports ORDER BY '
                         'id').fetchall()
    finally:
        c.close()


def test_failure_reports():
    # disabled (no --failure-reports): nothing queued
    db = fresh_store()
    verify_ruf(db, 'ruf1.example', '198.51.100.1', T0 + 100)
    ok(queued(db) == [], 'failure reports off by default: none queued',
       queued(db))
    # fo=0 and SPF passes aligned (only DKIM fails): none; the same with
    # fo=1: one (the check can see the difference)
    verify_ruf(db, 'ruf0.example', '192.0.2.10', T0 + 110,
               '--failure-reports')
    ok(queued(db) == [], 'fo=0, only DKIM failing: none queued', queued(db))
    verify_ruf(db, 'ruf1.example', '192.0.2.10', T0 + 120,
               '--failure-reports')
    ok(queued(db) == [('mailto:f@ruf1.example', 'pending')],
       'fo=1, DKIM failing: one queued', queued(db))
    # SPF fails too (DMARC fails): 3 more for ruf1, one for rufext
    for k in range(3):
        verify_ruf(db, 'ruf1.example', '198.51.100.1', T0 + 130 + k,
                   '--failure-reports')
    verify_ruf(db, 'rufext.example', '198.51.100.1', T0 + 140,
               '--failure-reports')
    ok(len(queued(db)) == 5, '5 queued, none sent inline', queued(db))
    cap = Capture()
    cfg = config(cap.port, 'failure_rate = 3\n')
    r = send(db, cfg, T0 + 600)
    ok(r.returncode == 0, 'send: exit 0', r.stdout + r.stderr)
    ok(re.search(r'skipped mailto:f@thirdparty.example \S+: external '
                 r'destination thirdparty.example did not authorize',
                 r.stderr), 'unauthorized external ruf skipped and logged',
       r.stderr)
    ok(re.search(r'deferred mailto:f@ruf1.example \S+: hourly limit of 3',
                 r.stderr), 'the hourly limit defers the 4th', r.stderr)
    ok(len(cap.msgs) == 3 and all(m[1] == ['f@ruf1.example']
                                  for m in cap.msgs),
       'three sent, to the ruf only', [m[1] for m in cap.msgs])
    st = queued(db)
    ok([x[1] for x in st] == ['sent', 'sent', 'sent', 'pending', 'skipped'],
       'each marked once in the store', st)
    raw = cap.msgs[-1][2] if cap.msgs else b''
    ok(dkim.verify(raw, dnsfunc=dnsfunc), 'failure report: DKIM verifies')
    m = email.message_from_bytes(raw, policy=email.policy.default)
    ok(m.get_content_type() == 'multipart/report' and
       m.get_param('report-type') == 'feedback-report',
       'multipart/report; report-type=feedback-report', m['Content-Type'])
    ok(str(m['From']) == 'dmarc-reports@receiver.example',
       'From: is the configured sender (aligned with the DKIM key)',
       m['From'])
    parts = {p.get_content_type(): p for p in m.walk()}
    fb = parts.get('message/feedback-report')
    fbtext = raw.split(b'Content-Type: message/feedback-report', 1)[-1]
    ok(fb is not None and b'Feedback-Type: auth-failure' in fbtext and
       b'Auth-Failure: dmarc' in fbtext, 'message/feedback-report (ARF)')
    ok(b'SPF-DNS: txt : ruf1.example : "v=spf1 ip4:192.0.2.0/24 -all"'
       in fbtext, 'SPF-DNS names the record used (RFC 6591 3.2)', fbtext)
    ok(b'alice.smith' not in raw and b'secret' not in raw and
       b'BODYTEXT' not in raw and b'redacted@ruf1.example' in raw,
       'redacted: no local-part, subject or body')
    # an hour later the deferred one goes, and nothing goes twice
    n0 = len(cap.msgs)
    r = send(db, cfg, T0 + 600 + 3700)
    ok(len(cap.msgs) == n0 + 1 and [x[1] for x in queued(db)] ==
       ['sent'] * 4 + ['skipped'], 'next hour: the rest, once',
       r.stdout + r.stderr)
    r = send(db, cfg, T0 + 600 + 7400)
    ok(len(cap.msgs) == n0 + 1, 'a third run sends nothing')
    # an authorized external ruf: the authorization's ruf= is used
    db = fresh_store()
    verify_ruf(db, 'rufauth.example', '198.51.100.1', T0 + 100,
               '--failure-reports')
    n0 = len(cap.msgs)
    r = send(db, cfg, T0 + 600)
    ok(len(cap.msgs) == n0 + 1 and cap.msgs[-1][1] == ['over@agg4.example'],
       'authorized external ruf: sent to the authorization\'s ruf',
       [m[1] for m in cap.msgs[n0:]] + [r.stderr])
    cap.close()


try:
    test_failure_reports()
    test_sendmail_and_cap()
    test_send_checks()
    test_build_files()
    test_kill9()
    test_concurrent()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print('1..%d' % n_test)
sys.exit(1 if fails else 0)
