#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Synthetic DMARC aggregate reports for bench/report.

  gen.py big OUT.xml.gz ROWS IPS   one RFC 9990 report, ROWS records over
                                   IPS distinct source IPs (gzip level 1)
  gen.py xml OUT.xml ROWS IPS      the same, uncompressed (for the peer)
  gen.py maildir DIR COUNT ROWS    COUNT small reports, one mail each with
                                   a base64 gzip attachment, in DIR/new
  gen.py zone OUT IPS MS           a zone file with PTR + A for the IPs of
                                   `big` (1 in 10 without), $LATENCY MS
Deterministic: the same arguments give the same bytes.
"""
import base64
import gzip
import os
import random
import sys

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">\n'
        '<version>1.0</version>\n<report_metadata><org_name>{org}'
        '</org_name><email>dmarc@{org}</email><report_id>{rid}</report_id>'
        '<date_range><begin>{begin}</begin><end>{end}</end></date_range>'
        '<generator>inkan bench</generator></report_metadata>\n'
        '<policy_published><domain>example.com</domain><p>none</p>'
        '<sp>none</sp><np>none</np><testing>n</testing>'
        '<discovery_method>treewalk</discovery_method></policy_published>\n')
REC = ('<record><row><source_ip>{ip}</source_ip><count>{n}</count>'
       '<policy_evaluated><disposition>{disp}</disposition><dkim>{dk}</dkim>'
       '<spf>{sp}</spf></policy_evaluated></row><identifiers>'
       '<header_from>example.com</header_from><envelope_from>{ef}'
       '</envelope_from></identifiers><auth_results><dkim><domain>{dd}'
       '</domain><selector>s{sel}</selector><result>{dr}</result></dkim>'
       '<spf><domain>{ef}</domain><result>{sr}</result></spf>'
       '</auth_results></record>\n')


def ip(i):
    return '10.%d.%d.%d' % ((i >> 16) & 255, (i >> 8) & 255, i & 255)


def report(rows, ips, org, rid, begin, rnd):
    yield HEAD.format(org=org, rid=rid, begin=begin, end=begin + 86399)
    for i in range(rows):
        good = rnd.random() < 0.9
        yield REC.format(ip=ip(rnd.randrange(ips)), n=rnd.randrange(1, 50),
                         disp='none', dk='pass' if good else 'fail',
                         sp='pass' if good and rnd.random() < 0.7 else 'fail',
                         ef='bounce.example.com' if good else 'other.example',
                         dd='example.com' if good else 'other.example',
                         sel=i % 4, dr='pass' if good else 'fail',
                         sr='pass' if good else 'softfail')
    yield '</feedback>\n'


def main():
    kind, out = sys.argv[1], sys.argv[2]
    rnd = random.Random(7)
    if kind in ('big', 'xml'):
        rows, ips = int(sys.argv[3]), int(sys.argv[4])
        f = gzip.open(out, 'wt', compresslevel=1) if kind == 'big' else \
            open(out, 'w')
        with f:
            buf = []
            for part in report(rows, ips, 'bench.example', 'big-1',
                               1700000000, rnd):
                buf.append(part)
                if len(buf) >= 10000:
                    f.write(''.join(buf))
                    buf = []
            f.write(''.join(buf))
    elif kind == 'maildir':
        count, rows = int(sys.argv[3]), int(sys.argv[4])
        for sub in ('cur', 'new', 'tmp'):
            os.makedirs(os.path.join(out, sub), exist_ok=True)
        for m in range(count):
            xml = ''.join(report(rows, 1000, 'r%d.example' % (m % 50),
                                 'small-%d' % m, 1700000000 + 86400 * (m % 30),
                                 rnd))
            att = base64.encodebytes(gzip.compress(xml.encode(), 6)).decode()
            with open(os.path.join(out, 'new', '%d.bench' % m), 'w') as f:
                f.write('From: dmarc@r.example\nTo: dmarc@example.com\n'
                        'Subject: Report domain: example.com Report-ID: '
                        'small-%d\nMIME-Version: 1.0\nContent-Type: '
                        'application/gzip; name="r.xml.gz"\n'
                        'Content-Transfer-Encoding: base64\n\n%s' % (m, att))
    elif kind == 'zone':
        # reverse DNS for the IPs of ip(0..IPS-1): PTR and forward A for
        # 9 in 10, NXDOMAIN for the rest; every answer LATENCY ms late
        ips, latency = int(sys.argv[3]), int(sys.argv[4])
        with open(out, 'w') as f:
            f.write('$TTL 3600\n$LATENCY %d\n' % latency)
            for i in range(ips):
                if i % 10 == 9:
                    continue
                a = ip(i)
                host = 'mx%d.sender.example' % i
                f.write('%s.in-addr.arpa. PTR %s.\n%s. A %s\n' % (
                    '.'.join(reversed(a.split('.'))), host, host, a))
    else:
        sys.exit(__doc__)


main()
