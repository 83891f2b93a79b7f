#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""inkan report ingest / summary end to end, on the shared samples.

The expected volumes and pass rates are computed here, independently of
inkan: Python's own XML, gzip, zip and email modules read every sample,
and the test compares their sums with `inkan report summary --json`.
Also: re-ingesting changes nothing; every invalid sample is refused with
a message naming the file; hostile inputs (a 1 GB zip bomb, a 10,000:1
gzip, billion laughs, deep nesting, a foreign domain) are refused and
leave no rows; stdin (a Postfix pipe) and Maildir input.

usage: test_cli.py INKAN SHARED_DMARC_DIR
"""
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samples import expected  # noqa: E402  (python's own reading)

INKAN, DMARC = sys.argv[1], sys.argv[2]
AGG = os.path.join(DMARC, 'aggregate')
BAD = os.path.join(DMARC, 'aggregate-invalid')
FAIL = os.path.join(DMARC, 'failure')
failures = 0
passes = 0


def check(cond, what):
    global failures, passes
    if cond:
        passes += 1
    else:
        failures += 1
        print('FAIL:', what)


def run(*args, stdin=None, env=None):
    p = subprocess.run([INKAN] + list(args), input=stdin,
                       capture_output=True, env=env, timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def db_counts(db):
    c = sqlite3.connect(db)
    out = tuple(c.execute('SELECT COUNT(*) FROM %s' % t).fetchone()[0]
                for t in ('rua_reports', 'rua_records', 'rua_raw',
                          'ruf_reports'))
    c.close()
    return out


def main():
    tmp = tempfile.mkdtemp(prefix='inkan-report-intake-')
    db = os.path.join(tmp, 'r.db')
    want_reports, want = expected(AGG)
    check(len(want_reports) >= 16, 'python found the sample reports')

    # every sample at once: valid, invalid and failure reports
    files = [os.path.join(d, f) for d in (AGG, BAD, FAIL)
             for f in sorted(os.listdir(d))]
    rc, out, err = run('report', 'ingest', '--db', db, *files)
    check(rc == 4, 'ingest with refused parts exits 4 (got %d)' % rc)
    for f in sorted(os.listdir(BAD)):
        line = [ln for ln in err.splitlines() if f in ln]
        check(len(line) == 1 and len(line[0]) > len(f) + 40,
              'a clear error names %s: %r' % (f, line))
    check(len(err.splitlines()) == len(os.listdir(BAD)),
          'only the invalid samples are refused: %s' % err)
    counts = db_counts(db)
    check(counts[0] == len(want_reports), 'one stored report per distinct '
          'report key: %d vs %d' % (counts[0], len(want_reports)))
    check(counts[2] == counts[0], 'every report keeps its raw XML')
    check(counts[3] == len(os.listdir(FAIL)), 'every failure report stored')

    # again: nothing changes
    rc, out, err = run('--json', 'report', 'ingest', '--db', db, *files)
    st = json.loads(out)
    check(st['aggregate_new'] == 0 and st['failure_new'] == 0,
          're-ingest stores nothing new: %s' % out)
    check(st['aggregate_dup'] == len(want_reports),
          'every report is seen as already stored: %s' % out)
    check(db_counts(db) == counts, 're-ingest leaves the tables as they were')

    # the summary against the numbers computed here
    rc, out, err = run('--json', 'report', 'summary', '--db', db)
    check(rc == 0, 'summary runs: %s' % err)
    got = {d['domain']: d for d in json.loads(out)['domains']}
    check(set(got) == set(want), 'the same domains: %s vs %s' %
          (sorted(got), sorted(want)))
    for dom, w in want.items():
        g = got.get(dom, {})
        for k in ('reports', 'messages', 'dmarc_pass', 'spf_aligned',
                  'dkim_aligned'):
            check(g.get(k) == w[k], '%s %s: inkan %s, python %s' %
                  (dom, k, g.get(k), w[k]))
        rate = w['dmarc_pass'] / w['messages']
        grate = g.get('dmarc_pass', 0) / max(g.get('messages', 1), 1)
        check(abs(grate - rate) < 1e-9, '%s pass rate %s vs %s' %
              (dom, grate, rate))
        srcs = sum(s['messages'] for s in g.get('sources', []))
        check(srcs == w['messages'], '%s: sources add up' % dom)
        check(g.get('verdict', '').startswith(('ready for', 'not ready',
                                               'at p=reject')),
              '%s: a verdict: %s' % (dom, g.get('verdict')))
    rc, out, err = run('report', 'summary', '--db', db, '--domain',
                       'example.com')
    check(rc == 0 and 'verdict:' in out and 'top sources:' in out,
          'text summary: %s %s' % (out[:200], err))

    # reverse DNS after storing: PTR, forward confirmation, classes
    zone = os.path.join(tmp, 'ptr.zone')
    with open(zone, 'w') as f:
        f.write('$TTL 1h\n$ORIGIN arpa.\n'
                '123.2.0.192.in-addr PTR mail.example.com.\n'
                '1.100.51.198.in-addr PTR o1.sendgrid.net.\n'
                '36.200.230.199.in-addr PTR mail-fake.google.com.\n'
                '$ORIGIN com.\nmail.example A 192.0.2.123\n'
                'mail-fake.google A 203.0.113.99\n'
                '$ORIGIN net.\no1.sendgrid A 198.51.100.1\n')
    rc, out, err = run('--json', '--dns-zone', zone, 'report', 'enrich',
                       '--db', db)
    check(rc == 0 and json.loads(out)['resolved'] >= 10 and
          json.loads(out)['left'] == 0, 'enrich: %s %s' % (out, err))
    rc, out, err = run('--json', '--dns-zone', zone, 'report', 'enrich',
                       '--db', db)
    check(json.loads(out)['resolved'] == 0, 'enrich: cached: %s' % out)
    rc, out, err = run('--json', 'report', 'summary', '--db', db,
                       '--domain', 'example.com')
    src = {s['ip']: s for s in json.loads(out)['domains'][0]['sources']}
    s1 = src.get('198.51.100.1', {})
    check(s1.get('class') == 'provider' and s1.get('ptr') ==
          'o1.sendgrid.net' and s1.get('ptr_confirmed'),
          'a provider by confirmed PTR: %s' % s1)
    s2 = src.get('199.230.200.36', {})
    check(s2.get('ptr') == 'mail-fake.google.com' and
          not s2.get('ptr_confirmed') and s2.get('class') == 'unknown',
          'an unconfirmed PTR is not trusted: %s' % s2)
    s3 = src.get('192.0.2.123', {})
    check(s3.get('class') == 'own', 'a PTR in the domain is own: %s' % s3)

    # Prometheus counters carry the same numbers
    rc, out, err = run('report', 'summary', '--db', db, '--prometheus')
    check(rc == 0 and 'inkan_dmarc_messages{domain="example.com"} %d' %
          want['example.com']['messages'] in out and
          'inkan_dmarc_pass{domain="example.com"} %d' %
          want['example.com']['dmarc_pass'] in out,
          'prometheus output: %s' % out[:300])

    # --check: thresholds either side of the real pass rate
    ex = want['example.com']
    r = 100.0 * ex['dmarc_pass'] / ex['messages']
    rc, _, err = run('report', 'summary', '--db', db, '--domain',
                     'example.com', '--check', '--min-pass-rate',
                     '%.2f' % (r + 1))
    check(rc == 1 and 'below' in err, '--check fails above the rate')
    rc, _, _ = run('report', 'summary', '--db', db, '--domain',
                   'example.com', '--check', '--min-pass-rate',
                   '%.2f' % (r - 1))
    check(rc == 0, '--check passes below the rate')

    # stdin, as a Postfix pipe delivers it (with a From_ line)
    db2 = os.path.join(tmp, 'pipe.db')
    with open(os.path.join(AGG, 'parsedmarc-mimecast-weird-gzip.eml'),
              'rb') as f:
        msg = f.read()
    rc, out, _ = run('--json', 'report', 'ingest', '--db', db2, '-',
                     stdin=b'From reports@example.net Thu Jan  1 00:00:00 '
                     b'2026\n' + msg)
    check(rc == 0 and json.loads(out)['aggregate_new'] == 1,
          'stdin message stored: %s' % out)
    rc, out, _ = run('report', 'ingest', '--db', db2, '-',
                     stdin=b'Subject: hello\n\njust text\n')
    check(rc == 0, 'a non-report on stdin is refused but exits 0 (no '
          'bounce to the reporter)')

    # a Maildir with two report messages and a failure report
    md = os.path.join(tmp, 'Maildir')
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(md, sub))
    for i, (d, f) in enumerate([
            (AGG, 'parsedmarc-google.com-borschow.com-949348866075514174.eml'),
            (AGG, 'parsedmarc-mimecast-weird-gzip.eml'),
            (FAIL, 'parsedmarc-domain.de-sharepoint.eml')]):
        with open(os.path.join(d, f), 'rb') as src, \
                open(os.path.join(md, 'new', '%d.host' % i), 'wb') as dst:
            dst.write(src.read())
    db3 = os.path.join(tmp, 'md.db')
    rc, out, err = run('--json', 'report', 'ingest', '--db', db3, md)
    st = json.loads(out)
    check(rc == 0 and st['aggregate_new'] == 2 and st['failure_new'] == 1,
          'Maildir: %s %s' % (out, err))

    # hostile input: refused, clear, no partial rows
    before = db_counts(db)
    bomb = os.path.join(tmp, 'bomb.zip')
    with zipfile.ZipFile(bomb, 'w', zipfile.ZIP_DEFLATED) as z:
        with z.open('report.xml', 'w', force_zip64=True) as w:
            zeros = b'\0' * (1 << 24)
            for _ in range(64):          # 1 GiB
                w.write(zeros)
    gz = os.path.join(tmp, 'bomb.xml.gz')
    inner = gzip.compress(b'<' + b' ' * (200 << 20), 9)
    with open(gz, 'wb') as f:
        f.write(gzip.compress(inner, 9))
    check(os.path.getsize(gz) * 10000 < 200 << 20, 'the gzip is 10,000:1')
    laughs = os.path.join(tmp, 'laughs.xml')
    with open(laughs, 'w') as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                + ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%s;' % (
                    i - 1 if i > 1 else '')) * 10) for i in range(1, 10))
                + ']>\n<feedback>&lol9;</feedback>\n')
    deep = os.path.join(tmp, 'deep.xml')
    with open(deep, 'w') as f:
        f.write('<feedback>' + '<x>' * 100000 + '</x>' * 100000 +
                '</feedback>')
    badutf = os.path.join(tmp, 'utf.xml')
    with open(os.path.join(AGG, 'parsedmarc-veeam.com!example.com!'
                           '1530133200!1530219600.xml'), 'rb') as f:
        x = f.read()
    with open(badutf, 'wb') as f:
        f.write(x.replace(b'veeam.com', b'veeam\xff.com'))
    rc, out, err = run('report', 'ingest', '--db', db, bomb, gz, laughs,
                       deep, badutf)
    lines = err.splitlines()
    check(rc == 4 and len(lines) == 5, 'five hostile inputs refused: %s' %
          err)
    for path, want_msg in ((bomb, 'bomb'), (gz, 'bomb'), (laughs, 'DOCTYPE'),
                           (deep, 'nested deeper'), (badutf, 'UTF-8')):
        check(any(path in ln and want_msg in ln for ln in lines),
              '%s: %s' % (os.path.basename(path), want_msg))
    check(db_counts(db) == before, 'hostile input left no rows')

    # a report for a domain that is not ours
    rc, out, err = run('report', 'ingest', '--db', os.path.join(tmp, 'd.db'),
                       '--domain', 'example.com',
                       os.path.join(AGG, 'parsedmarc-google.com-borschow.com-'
                                    '949348866075514174.eml'))
    check(rc == 4 and 'not one of your domains' in err,
          'foreign domain refused: %s' % err)

    print('%d passed, %d failed' % (passes, failures))
    return 1 if failures else 0


sys.exit(main())
