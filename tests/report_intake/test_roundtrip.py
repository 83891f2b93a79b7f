#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reports inkan writes (`report build`, the receiver's side) round-trip
through `report ingest` and `report summary` (the owner's side): the
owner sees exactly the messages, passes and sources that were recorded.

usage: test_roundtrip.py INKAN
"""
import json
import os
import subprocess
import sys
import tempfile

INKAN = sys.argv[1]
T0 = 1767225600          # 2026-01-01 00:00 UTC
passes = failures = 0


def check(cond, what):
    global passes, failures
    if cond:
        passes += 1
    else:
        failures += 1
        print('FAIL:', what)


def run(*args):
    p = subprocess.run([INKAN] + list(args), capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


tmp = tempfile.mkdtemp(prefix='inkan-roundtrip-')
zone = os.path.join(tmp, 'zone')
with open(zone, 'w') as f:
    f.write('$ORIGIN .\n$TTL 300\n')
    for d in ('one.example', 'two.example'):
        f.write('%s. TXT "v=spf1 ip4:192.0.2.0/24 -all"\n' % d)
        f.write('_dmarc.%s. TXT "v=DMARC1; p=none; rua=mailto:d@%s"\n' %
                (d, d))
db = os.path.join(tmp, 'receiver.db')
# (domain, ip, messages): 192.0.2.x passes SPF (aligned), 203.0.113.x fails
sent = [('one.example', '192.0.2.10', 3), ('one.example', '203.0.113.5', 2),
        ('two.example', '192.0.2.20', 1), ('two.example', '203.0.113.9', 4)]
when = T0 + 3600
for dom, ip, n in sent:
    msg = os.path.join(tmp, 'm.eml')
    for k in range(n):
        with open(msg, 'w') as f:
            f.write('From: a@%s\nTo: b@rcv.example\nSubject: x\n'
                    'Message-ID: <%d@%s>\n\nbody\n' % (dom, when, dom))
        rc, _, err = run('verify', '--dns-zone', zone, '--record', db,
                         '--ip', ip, '--mail-from', 'a@' + dom,
                         '--rcpt-to', 'b@rcv.example', '--now', str(when),
                         msg)
        check(rc in (0, 1), 'verify --record: %s' % err)
        when += 1
out = os.path.join(tmp, 'out')
os.makedirs(out)
rc, _, err = run('report', 'build', '--db', db, '--out', out, '--now',
                 str(T0 + 3 * 86400), '--org-name', 'Roundtrip Receiver',
                 '--email', 'dmarc@rcv.example', '--receiver', 'rcv.example')
files = sorted(os.listdir(out))
check(rc == 0 and len(files) == 2, 'report build wrote two reports: %s %s'
      % (files, err))
owner = os.path.join(tmp, 'owner.db')
rc, o, err = run('--json', 'report', 'ingest', '--db', owner,
                 *[os.path.join(out, f) for f in files])
check(rc == 0 and json.loads(o)['aggregate_new'] == 2,
      'ingest of our own reports: %s %s' % (o, err))
rc, o, err = run('--json', 'report', 'summary', '--db', owner)
got = {d['domain']: d for d in json.loads(o)['domains']}
for dom in ('one.example', 'two.example'):
    msgs = sum(n for d, _, n in sent if d == dom)
    good = sum(n for d, ip, n in sent if d == dom and ip.startswith('192.'))
    g = got.get(dom, {})
    check(g.get('messages') == msgs, '%s: %s messages, recorded %d' %
          (dom, g.get('messages'), msgs))
    check(g.get('dmarc_pass') == good and g.get('spf_aligned') == good,
          '%s: %s pass, %d recorded as passing' % (dom, g.get('dmarc_pass'),
                                                   good))
    ips = {s['ip']: s['messages'] for s in g.get('sources', [])}
    want = {ip: n for d, ip, n in sent if d == dom}
    check(ips == want, '%s: sources %s vs %s' % (dom, ips, want))
    check(g.get('reporters', [{}])[0].get('org') == 'Roundtrip Receiver',
          '%s: the reporter is us' % dom)
print('%d passed, %d failed' % (passes, failures))
sys.exit(1 if failures else 0)
