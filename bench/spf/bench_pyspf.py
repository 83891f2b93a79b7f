#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""pyspf (python3-spf) checks per second on the shared workload.

    /usr/bin/python3 bench_pyspf.py DIR zone [SECONDS]
        DNS replaced by an in-memory lookup over workload.txt (as pyspf's
        own suite driver replaces spf.DNSLookup)
    /usr/bin/python3 bench_pyspf.py DIR real [SECONDS]
        pyspf's own dnspython lookups through the system resolver settings
        (run.sh points them at Knot), with dnspython's cache, warmed

Reports checks per CPU second (median and best of five rounds), as the C
harnesses do.
"""
import os
import sys
import time

import spf

ROUNDS = 5


def load(path):
    z = {}
    for line in open(path):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        name, rtype, data = line.split(' ', 2)
        z.setdefault((name.lower(), rtype), []).append(data)
    return z


def make_lookup(z):
    def lookup(name, qtype, strict=True, timeout=None):
        name = name.rstrip('.').lower()
        out = []
        for data in z.get((name, qtype), []):
            if qtype == 'TXT':
                out.append(((name, qtype), [data.encode()]))
            elif qtype == 'MX':
                pref, host = data.split(' ', 1)
                out.append(((name, qtype), (int(pref), host)))
            else:
                out.append(((name, qtype), data))
        return out
    return lookup


def main():
    d = sys.argv[1]
    mode = sys.argv[2]
    secs = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    clients = []
    for line in open(os.path.join(d, 'clients.txt')):
        if line.strip() and not line.startswith('#'):
            ip, want = line.split()
            clients.append((ip, want))
    if mode == 'zone':
        spf.DNSLookup = make_lookup(load(os.path.join(d, 'workload.txt')))
    else:
        import dns.resolver
        r = dns.resolver.get_default_resolver()
        r.cache = dns.resolver.Cache()
    sender = 'user@example.bench.test'

    def check(ip):
        return spf.check2(i=ip, s=sender, h='client.bench.test')[0]
    for ip, want in clients:
        got = check(ip)
        if got != want:
            sys.exit('pyspf: %s: %s, expected %s' % (ip, got, want))
    rates = []
    n = 0
    wall = 0.0
    for _ in range(ROUNDS):
        k = 0
        t0 = time.monotonic()
        c0 = time.process_time()
        while time.monotonic() - t0 < secs / ROUNDS:
            for ip, _want in clients:
                check(ip)
            k += len(clients)
        rates.append(k / (time.process_time() - c0))
        wall += time.monotonic() - t0
        n += k
    rates.sort()
    print('pyspf %s: %d checks in %.1f s; checks per CPU second: median '
          '%.0f, best %.0f' % ('in-memory zone' if mode == 'zone' else
                               'real DNS (dnspython + cache)', n, wall,
                               rates[ROUNDS // 2], rates[-1]))


if __name__ == '__main__':
    main()
