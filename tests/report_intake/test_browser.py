#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The dashboard in a real browser.

Ingests the shared samples, starts `inkan report serve` on 127.0.0.1 (a
port the kernel picks), loads every page in headless Chromium
(--dump-dom), checks the DOM for the numbers Python computed from the
samples itself, and keeps a screenshot of the overview as a test artefact.
Also checks that `inkan report html` writes the same overview as one file
that needs nothing from the network.

usage: test_browser.py INKAN SHARED_DMARC_DIR SCREENSHOT.png
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samples import expected  # noqa: E402

INKAN, DMARC, SHOT = sys.argv[1], sys.argv[2], sys.argv[3]
passes = failures = 0


def check(cond, what):
    global passes, failures
    if cond:
        passes += 1
    else:
        failures += 1
        print('FAIL:', what)


def chromium():
    for name in ('chromium', 'chromium-browser'):
        p = shutil.which(name)
        if p:
            return p
    return None


def browse(url, *extra):
    prof = tempfile.mkdtemp(prefix='inkan-chromium-')
    try:
        p = subprocess.run(
            [chromium(), '--headless', '--no-sandbox', '--disable-gpu',
             '--disable-quic', '--no-first-run',
             '--disable-background-networking',
             '--disable-component-update', '--disable-sync',
             '--user-data-dir=' + prof] + list(extra) + [url],
            capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode('utf-8', 'replace')
    finally:
        shutil.rmtree(prof, ignore_errors=True)


def main():
    if chromium() is None:
        print('FAIL: chromium is not installed (scripts/install-deps)')
        return 1
    tmp = tempfile.mkdtemp(prefix='inkan-dashboard-')
    db = os.path.join(tmp, 'r.db')
    agg = os.path.join(DMARC, 'aggregate')
    fail = os.path.join(DMARC, 'failure')
    files = [os.path.join(agg, f) for f in sorted(os.listdir(agg))] + \
        [os.path.join(fail, f) for f in sorted(os.listdir(fail))]
    p = subprocess.run([INKAN, 'report', 'ingest', '--db', db] + files,
                       capture_output=True)
    check(p.returncode == 0, 'ingest: %s' % p.stderr.decode())
    # reverse DNS for a few sources, so the pages show PTRs and classes
    zone = os.path.join(tmp, 'ptr.zone')
    with open(zone, 'w') as f:
        f.write('$TTL 1h\n$ORIGIN arpa.\n'
                '123.2.0.192.in-addr PTR mail.example.com.\n'
                '1.100.51.198.in-addr PTR o1.sendgrid.net.\n'
                '$ORIGIN com.\nmail.example A 192.0.2.123\n'
                '$ORIGIN net.\no1.sendgrid A 198.51.100.1\n')
    p = subprocess.run([INKAN, '--dns-zone', zone, 'report', 'enrich',
                        '--db', db], capture_output=True)
    check(p.returncode == 0, 'enrich: %s' % p.stderr.decode())
    _, want = expected(agg)
    ex = want['example.com']

    srv = subprocess.Popen([INKAN, 'report', 'serve', '--db', db,
                            '--listen', '127.0.0.1:0'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = srv.stdout.readline().decode()
        m = re.search(r'http://127\.0\.0\.1:(\d+)/', line)
        check(m is not None, 'serve prints its address: %r' % line)
        base = 'http://127.0.0.1:%s' % m.group(1)

        # the JSON twin of the overview carries the same numbers
        with urllib.request.urlopen(base + '/overview.json', timeout=30) as r:
            doc = json.load(r)
        dom = {d['domain']: d for d in doc['domains']}['example.com']
        check(dom['messages'] == ex['messages'], 'overview.json volume')

        rc, html = browse(base + '/?domain=example.com', '--dump-dom')
        check(rc == 0, 'chromium loads the overview')
        check(re.search(r'class="big volume">%d<' % ex['messages'], html)
              is not None, 'overview shows %d messages' % ex['messages'])
        rate = '%.1f%%' % (100.0 * ex['dmarc_pass'] / ex['messages'])
        check('class="big pass-rate">%s<' % rate in html,
              'overview shows the pass rate %s' % rate)
        check('<svg class="chart-days"' in html and '<rect' in html,
              'the pass/fail chart is drawn')
        check('class="verdict' in html and
              re.search(r'(ready for|not ready|at p=reject)', html),
              'the roll-out verdict is shown')
        check('http://' not in html.replace(base, '').replace(
            'http://www.w3.org/2000/svg', ''), 'nothing fetched from '
            'elsewhere')

        rc, html = browse(base + '/sources?domain=example.com', '--dump-dom')
        n = sum(int(x) for x in re.findall(
            r'<td class="n">(\d+)</td><td class="n (?:ok|bad)">', html))
        check(n == ex['messages'], 'sources table adds up to %d (%d)' %
              (ex['messages'], n))
        rc, html = browse(base + '/source?domain=example.com&ip=192.0.2.123',
                          '--dump-dom')
        check('Records' in html and '123' in html and
              'mail.example.com' in html, 'source drill-down')
        rc, html = browse(base + '/reporters?domain=example.com',
                          '--dump-dom')
        check('Sample Reporter' in html and 'Outlook.com' in html,
              'reporters page')
        rc, html = browse(base + '/failures', '--dump-dom')
        check(html.count('<tr>') == len(os.listdir(fail)) + 1,
              'failure reports page lists %d' % len(os.listdir(fail)))
        rc, html = browse(base + '/reports', '--dump-dom')
        links = re.findall(r'href="/raw\?id=(\d+)"', html)
        check(len(links) >= 16, 'report list links raw XML')
        with urllib.request.urlopen(base + '/raw?id=' + links[0],
                                    timeout=30) as r:
            raw = r.read()
            check(b'<feedback' in raw and
                  r.headers['Content-Type'].startswith('text/plain'),
                  'raw XML served as text')
        for page in ('sources', 'reporters', 'failures', 'reports'):
            with urllib.request.urlopen(base + '/%s.json' % page,
                                        timeout=30) as r:
                json.load(r)
                passes_json = True
            check(passes_json, '%s.json parses' % page)

        rc, _ = browse(base + '/?domain=example.com',
                       '--screenshot=' + SHOT, '--window-size=1000,1000',
                       '--hide-scrollbars')
        check(rc == 0 and os.path.getsize(SHOT) > 10000,
              'screenshot kept at %s' % SHOT)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
    check(srv.returncode == 0, 'serve stops cleanly on SIGTERM')

    out = os.path.join(tmp, 'overview.html')
    p = subprocess.run([INKAN, 'report', 'html', '--db', db, '--out', out],
                       capture_output=True)
    with open(out) as f:
        page = f.read()
    check(p.returncode == 0 and 'class="big volume">%d<' % ex['messages']
          in page and '<script' not in page and 'href="/' not in page,
          'report html writes a self-contained overview')
    shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (passes, failures))
    return 1 if failures else 0


sys.exit(main())
