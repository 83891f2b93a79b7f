#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential test: inkan's SPF against pyspf (python3-spf) on random,
seeded cases.

    /usr/bin/python3 spf_pyspf_diff.py --runner PATH/spf_suite \
        [--cases 10000] [--seed N] [--keep DIR] [-v]

1. Generate scenarios in the openspf suite format (zonedata + tests):
   records mixing every mechanism, modifiers, macros, CIDR lengths,
   includes, redirects, exp= texts, missing names, timeouts, CNAMEs, PTR
   data, MX sets, syntax errors.
2. Ask pyspf for every test, its DNS replaced by an in-memory lookup over
   the same zonedata (as its own suite driver does, spf.DNSLookup).
3. Ask inkan (the conformance runner, `spf_suite --emit`) the same tests
   from the same YAML.
4. Compare result and, for fail, the explanation.

A disagreement is accepted only when pyspf, with one of its documented
deviations from RFC 7208 corrected (PYSPF_FIXES below: each a small
source patch applied at run time, with the section that decides), gives
inkan's answer. Anything else fails the test. The corrected variants are
applied one at a time, then all together.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import types

try:
    import yaml
    import spf as pyspf_module
except ImportError as e:	# the peer is not installed: skip
    print('skipped: %s (python3-spf and python3-yaml are needed)' % e)
    sys.exit(77)

# ---------------------------------------------------------------------
# pyspf deviations from RFC 7208, each with a patch that corrects it.
# (old, new) replacements on spf.py's source; a patch that no longer
# applies fails the run, so a new pyspf cannot silently change the rules.
PYSPF_FIXES = {
    'redirect-counted-early': (
        'RFC 7208 4.6.4 / 6.1: redirect= is a DNS-querying term when it '
        'is evaluated, i.e. only when no mechanism matched (and never '
        'with "all", 5.1); pyspf counts it while parsing the record.',
        [("            elif mod == 'redirect':\n"
          "                self.check_lookups()\n",
          "            elif mod == 'redirect':\n"),
         ("            if redirect:\n"
          "                #Catch redirect to a non-existant SPF record.\n",
          "            if redirect:\n"
          "                self.check_lookups()\n"
          "                #Catch redirect to a non-existant SPF record.\n")]),
    'truncate-once': (
        'RFC 7208 7.3: a domain over 253 characters loses labels from '
        'the left until it fits; pyspf removes only one label.',
        [("            if len(result) > 253:\n"
          "                result = result[(result.index('.')+1):]",
          "            while len(result) > 253 and '.' in result:\n"
          "                result = result[(result.index('.')+1):]")]),
    'delimiters-kept': (
        'RFC 7208 7.3: after splitting on the delimiters, parts are '
        'rejoined with "." for every macro letter; pyspf does so for '
        '%{l} and %{s} only.',
        [("JOINERS = {'l': '.', 's': '.'}",
          "JOINERS = type('J', (dict,), {'get': lambda s, k, d=None: '.'})()")]),
    'ptr-dns-error': (
        'RFC 7208 5.5: a DNS error on the PTR lookup makes ptr not match, '
        'one on an address lookup skips that name (and 7.3: %{p} is '
        '"unknown"); pyspf returns temperror.',
        [("        return [p for p in self.dns_ptr(self.i)[:max]\n"
          "            if self.cidrmatch(self.dns_a(p,self.A),cidrlength)]",
          "        try:\n"
          "            names = self.dns_ptr(self.i)[:max]\n"
          "        except TempError:\n"
          "            return []\n"
          "        ok = []\n"
          "        for p in names:\n"
          "            try:\n"
          "                if self.cidrmatch(self.dns_a(p,self.A),cidrlength):\n"
          "                    ok.append(p)\n"
          "            except TempError:\n"
          "                pass\n"
          "        return ok")]),
    'unknown-modifier-expanded': (
        'RFC 7208 6 and 7.1: an unknown modifier is ignored; its value '
        'only has to be a macro-string, in which c, r and t are macro '
        'letters. pyspf expands it as a domain name (rejecting c, r, t, '
        'and looking up %{p}).',
        [("                self.expand(m[1])       # syntax error on invalid macro",
          "                for mm in RE_CHAR.finditer(arg):\n"
          "                    if mm.group(0)[1] == '{' and mm.group(0)[2].lower() not in 'slodiphcrtv':\n"
          "                        raise PermError('Unknown Macro Encountered', mm.group(0))\n"
          "                if RE_INVALID_MACRO.search(arg):\n"
          "                    raise PermError('invalid-macro-char ', arg)")]),
    'exp-fetched-early': (
        'RFC 7208 6.2 and 4.6.4: the explanation is computed after the '
        'result, and nothing about it counts against the limits; pyspf '
        'expands exp= while parsing every record, so a %{p} in it counts '
        'void lookups (and may hit the limit, which drops the exp= text).',
        [("                        exp = self.get_explanation(arg)\n",
          "                        _v = self.void_lookups\n"
          "                        self.void_lookups = -10**6\n"
          "                        try:\n"
          "                            exp = self.get_explanation(arg)\n"
          "                        finally:\n"
          "                            self.void_lookups = _v\n")]),
    'p-chosen-once': (
        'RFC 7208 7.3: %{p} prefers <domain>, then a subdomain of it; '
        '<domain> changes with include and redirect, but pyspf keeps the '
        'name chosen the first time.',
        [("        if not self.p:\n"
          "            p = self.validated_ptrs()\n",
          "        if not hasattr(self, '_plist'):\n"
          "            self._plist = self.validated_ptrs()\n"
          "        if True:\n"
          "            p = self._plist\n")]),
    'include-self-at-parse': (
        'RFC 7208 4.6, 5.2: a record that includes its own domain is not '
        'a syntax error; it fails only if that include is reached '
        '(limits, 4.6.4). pyspf rejects it while parsing.',
        [("                if arg == self.d:\n"
          "                    if mech != 'include':\n"
          "                        raise PermError('include has trivial recursion', mech)\n"
          "                    raise PermError('include mechanism missing domain', mech)\n",
          "                if arg == self.d and mech == 'include':\n"
          "                    raise PermError('include mechanism missing domain', mech)\n")]),
    'unknown-modifier-twice': (
        'RFC 7208 6: unrecognized modifiers MUST be ignored "no matter '
        'where, or how often, they appear"; only redirect= and exp= may '
        'not repeat. pyspf rejects any repeated modifier.',
        [("            if mod in modifiers:\n",
          "            if mod in modifiers and mod in ('redirect', 'exp'):\n")]),
    'sender-no-localpart': (
        'RFC 7208 4.3: a <sender> without a local-part gets "postmaster"; '
        '%{s} is that sender. pyspf fixes %{l} but leaves %{s} as given.',
        [("        self.l, self.o = split_email(s, h)\n",
          "        self.l, self.o = split_email(s, h)\n"
          "        if self.s and '@' not in self.s:\n"
          "            self.s = 'postmaster@' + self.s\n"
          "        elif self.s and self.s.startswith('@'):\n"
          "            self.s = 'postmaster' + self.s\n")]),
    'cname-void-twice': (
        'RFC 7208 4.6.4: a lookup that ends in no data is one void '
        'lookup; pyspf counts it once per CNAME followed as well.',
        [("                result = self.dns(cname, qtype, cnames=cnames)\n",
          "                result = self.dns(cname, qtype, cnames=cnames, ignore_void=True)\n")]),
    'zero-label-count': (
        'RFC 7208 7.3: a DIGIT transformer MUST be nonzero; pyspf accepts '
        '%{d0} (and expands it oddly).',
        [("        # Check for invalid macro syntax\n",
          "        if re.search(r'%\\{[a-zA-Z]0+(?![0-9])', s):\n"
          "            raise PermError('zero label count', s)\n"
          "        # Check for invalid macro syntax\n")]),
    'p-at-parse': (
        'RFC 7208 4.6.2, 5: each mechanism\'s domain-spec is expanded '
        'when that mechanism is evaluated, left to right; pyspf expands '
        'them all while parsing, so a %{p} after a matching mechanism '
        'still does DNS lookups that count as void.',
        [("            arg = self.expand_domain(arg)\n"
          "            if not arg:\n",
          "            if re.search(r'%\\{p', arg, re.I):\n"
          "                self.p_later = getattr(self, 'p_later', {})\n"
          "                key = 'P_LATER%d' % len(self.p_later)\n"
          "                self.p_later[key] = (arg, self.d)\n"
          "                return mech, m, key + '.invalid', cidrlength, result\n"
          "            arg = self.expand_domain(arg)\n"
          "            if not arg:\n"),
         ("        for mech, m, arg, cidrlength, result in mechs:\n",
          "        for mech, m, arg, cidrlength, result in mechs:\n"
          "            if arg and arg.startswith('P_LATER'):\n"
          "                spec, _d = self.p_later[arg[:-len('.invalid')]]\n"
          "                if m in ('a', 'mx', 'ptr', 'exists', 'include'):\n"
          "                    self.check_lookups()\n"
          "                    self.lookups -= 1\n"
          "                arg = self.expand_domain(spec)\n")]),
}


def load_pyspf(fixes):
    """A fresh copy of the spf module with the given fixes applied."""
    src = open(pyspf_module.__file__).read()
    for name in fixes:
        for old, new in PYSPF_FIXES[name][1]:
            if old not in src:
                raise SystemExit('pyspf fix %s no longer applies' % name)
            src = src.replace(old, new, 1)
    mod = types.ModuleType('spf_fixed_' + '_'.join(fixes))
    mod.__file__ = pyspf_module.__file__
    exec(compile(src, pyspf_module.__file__, 'exec'), mod.__dict__)
    return mod


# ---------------------------------------------------------------------
# in-memory DNS for pyspf, with the suite driver's conventions

def zone_index(zonedata):
    z = {}
    for name, rrs in zonedata.items():
        gen = []
        has_txt = any(isinstance(r, dict) and 'TXT' in r for r in rrs)
        items = []
        for r in rrs:
            if r == 'TIMEOUT':
                items.append(('TIMEOUT', None))
                continue
            (t, v), = r.items()
            if t == 'SPF' and not has_txt:
                gen.append(('TXT', v))
            if v == 'NONE':
                continue
            items.append((t, v))
        z[name.lower()] = items + gen
    return z


def make_lookup(mod, z):
    def lookup(name, qtype, strict=True, timeout=None):
        name = name.rstrip('.').lower()
        for label in name.split('.'):
            if len(label) > 63:
                return []
        if name not in z:
            return []
        out = []
        seen_type = False
        for t, v in z[name]:
            if t == 'TIMEOUT':
                if not seen_type:
                    raise mod.TempError('DNS timeout')
                continue
            if t == qtype:
                seen_type = True
            if v == 'TIMEOUT':
                if t == qtype:
                    raise mod.TempError('DNS timeout')
                continue
            if t == 'CNAME':
                out.append(((name, 'CNAME'), v.rstrip('.').lower()))
            elif t == qtype:
                if t in ('TXT', 'SPF'):
                    parts = v if isinstance(v, list) else [v]
                    out.append(((name, t),
                                [p.encode('utf-8', 'surrogateescape')
                                 for p in parts]))
                elif t == 'MX':
                    out.append(((name, t), (int(v[0]), v[1])))
                else:
                    out.append(((name, t), v))
        return out
    return lookup


def pyspf_check(mod, z, test):
    mod.DNSLookup = make_lookup(mod, z)
    q = mod.query(i=test['host'], s=test['mailfrom'], h=test['helo'])
    q.set_default_explanation('DEFAULT')
    res, _code, exp = q.check()
    return res, exp


# ---------------------------------------------------------------------
# the case generator

IP4 = ['192.0.2.1', '192.0.2.2', '192.0.2.130', '198.51.100.7', '203.0.113.9']
IP6 = ['2001:db8::1', '2001:db8::2', '2001:db8:1::7', '2001:db8:ff::1']
USERS = ['user', 'postmaster', 'a.b', 'x-y+z', 'first.last-name', '',
         'l' * 30 + '.' + 'm' * 30]
HELOS = ['helo.example', 'mail-out.helo-x.example']


class Gen:
    def __init__(self, rnd, nsc):
        self.r = rnd
        self.n = 10
        self.dom = ['d%d.s%d.example' % (i, nsc) for i in range(self.n)]
        self.suffix = 's%d.example' % nsc
        self.missing = ['nx%d.s%d.example' % (i, nsc) for i in range(3)]

    def target(self):
        r = self.r
        k = r.random()
        if k < 0.75:
            return r.choice(self.dom)
        if k < 0.85:
            return r.choice(self.missing)
        if k < 0.9:
            return '%{d}'
        return r.choice(['%{d2}', '%{o}', 'sub.%{d}', '%{l}.u.%{o}',
                         '%{ir}.r.' + self.suffix, 'mx.%{d}',
                         '%{h-}.h.' + self.suffix, '%{h2r-}.h.' + self.suffix,
                         '%{l}.%{l}.%{l}.%{l}.%{l}.t.' + self.suffix])

    def cidr(self, v6=False):
        r = self.r
        if r.random() < 0.7:
            return ''
        return '/%d' % (r.randint(96, 128) if v6 else r.randint(16, 32))

    def term(self):
        r = self.r
        q = r.choice(['', '', '', '+', '-', '~', '?'])
        k = r.random()
        if k < 0.12:
            ip = r.choice(IP4)
            return q + 'ip4:' + ip + self.cidr()
        if k < 0.2:
            return q + 'ip6:' + r.choice(IP6) + self.cidr(True)
        if k < 0.36:
            t = 'a'
            if r.random() < 0.7:
                t += ':' + self.target()
            if r.random() < 0.3:
                t += '/%d' % r.randint(16, 32)
            if r.random() < 0.2:
                t += '//%d' % r.randint(48, 128)
            return q + t
        if k < 0.48:
            t = 'mx'
            if r.random() < 0.6:
                t += ':' + self.target()
            if r.random() < 0.2:
                t += '/%d' % r.randint(16, 32)
            return q + t
        if k < 0.62:
            return q + 'include:' + self.target()
        if k < 0.70:
            return q + 'exists:' + r.choice([
                self.target(), '%{i}.e.' + self.suffix,
                '%{l}.%{d}', '%{ir}.%{v}.e.' + self.suffix,
                '%{p}.p.' + self.suffix, '%{h}.h.' + self.suffix])
        if k < 0.76:
            return q + r.choice(['ptr', 'ptr:' + self.suffix,
                                 'ptr:' + self.target()])
        if k < 0.84:
            return q + 'all'
        if k < 0.88:
            return r.choice(['foo=bar', 'x-mod=%{l}', 'op=nothing',
                             'foo=%{c}%{r}%{t}', 'm.n=%{p}'])
        if k < 0.92:
            # syntax errors
            return r.choice(['ip4:1.2.3', 'a:foo', 'mx//129', 'ip4:1.2.3.4/33',
                             'exists', 'all:x', 'include', '%{z}',
                             'a:%{x}.example.com', '1=2', 'ptr/24',
                             'ip6:1::2::3', 'foo=%', 'A:EXAMPLE.COM.',
                             'a:%{d0}.' + self.suffix])
        return q + r.choice(['a', 'mx', 'a:%{d}.', 'mx:%{d2}'])

    def record(self, i):
        r = self.r
        terms = [self.term() for _ in range(r.randint(0, 6))]
        if r.random() < 0.5:
            terms.append(r.choice(['-all', '-all', '~all', '?all']))
        if r.random() < 0.25:
            terms.append('redirect=' + self.target())
        if r.random() < 0.3:
            terms.append('exp=x%d.%s' % (r.randrange(self.n), self.suffix))
        if r.random() < 0.15:
            r.shuffle(terms)
        v = r.choice(['v=spf1'] * 12 + ['V=SPF1', 'v=spf1 '])
        return ' '.join([v] + terms)

    def scenario(self, ntests):
        r = self.r
        z = {}
        for i, d in enumerate(self.dom):
            rrs = []
            k = r.random()
            if k < 0.85:
                rrs.append({'TXT': self.record(i)})
            if k < 0.05:
                rrs.append({'TXT': 'v=spf1 -all'})
            if r.random() < 0.1:
                rrs.append({'TXT': 'not an spf record'})
            if r.random() < 0.55:
                for _ in range(r.randint(1, 2)):
                    rrs.append({'A': r.choice(IP4)})
            if r.random() < 0.35:
                rrs.append({'AAAA': r.choice(IP6)})
            nmx = r.choice([0, 0, 1, 2, 3, 11]) if r.random() < 0.7 else 0
            for j in range(nmx):
                rrs.append({'MX': [j * 10 % 30,
                                   r.choice(self.dom + self.missing)]})
            if r.random() < 0.05:
                rrs.append('TIMEOUT')
            elif r.random() < 0.05:
                rrs.append({r.choice(['A', 'MX', 'AAAA']): 'TIMEOUT'})
            if rrs:
                # an RRset holds no duplicates (RFC 2181 5): neither may
                # the data, or pyspf's fake DNS would see more than DNS
                uniq = []
                for rr in rrs:
                    if rr not in uniq:
                        uniq.append(rr)
                z[d] = uniq
            if r.random() < 0.3:
                z['x%d.%s' % (i, self.suffix)] = [{'TXT': r.choice([
                    'Not allowed: %{i} for %{s}',
                    '%{c} is not one of %{d}\'s servers',
                    'See http://%{d}/why.html?s=%{S}&i=%{I}&r=%{R}',
                    'via %{h} from %{p}',
                    'bad %{x} text', 'two %{l-} %{o2}', 'Simple text.'])}]
            if r.random() < 0.1:
                z['mx.' + d] = [{'A': r.choice(IP4)}]
        # a record at the edge of the term limit, with a redirect
        lim = ['a:h%d.%s' % (k, self.suffix) for k in range(r.randint(8, 11))]
        lim.insert(r.randint(0, len(lim)), 'ip4:' + r.choice(IP4))
        z['lim.' + self.suffix] = [{'TXT': ' '.join(
            ['v=spf1'] + lim + ['redirect=' + r.choice(self.dom)])}]
        for k in range(11):
            z['h%d.%s' % (k, self.suffix)] = [{'A': '10.0.0.%d' % k}]
        # what %{h-} and a long %{l} repeated five times expand to
        z['delim.' + self.suffix] = [{'TXT': 'v=spf1 exists:%{h-}.h.' +
                                      self.suffix + ' -all'}]
        z['mail.out.helo.x.example.h.' + self.suffix] = [{'A': '127.0.0.2'}]
        z['trunc.' + self.suffix] = [{'TXT': 'v=spf1 exists:%{l}.%{l}.'
                                      '%{l}.%{l}.%{l}.t.' + self.suffix +
                                      ' -all'}]
        lng = '.'.join([USERS[-1]] * 5 + ['t', self.suffix])
        while len(lng) > 253:
            lng = lng[lng.index('.') + 1:]
        z[lng] = [{'A': '127.0.0.2'}]
        # a CNAME, PTR data, and names macros point at
        z['c.' + self.suffix] = [{'CNAME': r.choice(self.dom)}]
        for ip in IP4 + IP6:
            if r.random() < 0.5:
                rev = self.reverse(ip)
                z[rev] = [{'PTR': p} for p in r.sample(
                    self.dom + ['c.' + self.suffix], r.randint(1, 3))]
            if r.random() < 0.4:
                z[self.dotted(ip) + '.e.' + self.suffix] = [{'A': '127.0.0.2'}]
        for d in self.dom[:4]:
            z[d + '.p.' + self.suffix] = [{'A': '127.0.0.2'}]
            z['postmaster.u.' + d] = [{'A': '127.0.0.2'}]
        tests = {}
        for t in range(ntests):
            ip = r.choice(IP4 * 3 + IP6)
            user = r.choice(USERS)
            dom = r.choice(self.dom + ['c.' + self.suffix, self.missing[0],
                                       'lim.' + self.suffix])
            helo = r.choice(self.dom + HELOS)
            if r.random() < 0.05:
                mailfrom = ''
            else:
                mailfrom = '%s@%s' % (user, dom)
            tests['t%d' % t] = {'host': ip, 'mailfrom': mailfrom,
                                'helo': helo, 'result': 'none'}
        # the limit, truncation and delimiter records, asked directly
        specials = [
            {'host': r.choice(IP4), 'mailfrom': 'u@lim.' + self.suffix,
             'helo': 'helo.example'},
            {'host': r.choice(IP4), 'mailfrom': USERS[-1] + '@trunc.' +
             self.suffix, 'helo': 'helo.example'},
            {'host': r.choice(IP4), 'mailfrom': 'u@delim.' + self.suffix,
             'helo': HELOS[1]}]
        for t, sp in zip(range(ntests - 1, -1, -7), specials):
            sp['result'] = 'none'
            tests['t%d' % t] = sp
        return {'description': 'random', 'tests': tests, 'zonedata': z}

    @staticmethod
    def reverse(ip):
        if ':' in ip:
            import ipaddress
            h = ipaddress.ip_address(ip).exploded.replace(':', '')
            return '.'.join(reversed(h)) + '.ip6.arpa'
        return '.'.join(reversed(ip.split('.'))) + '.in-addr.arpa'

    @staticmethod
    def dotted(ip):
        if ':' in ip:
            import ipaddress
            return '.'.join(ipaddress.ip_address(ip).exploded
                            .replace(':', '').upper())
        return ip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runner', required=True)
    ap.add_argument('--cases', type=int, default=10000)
    ap.add_argument('--seed', type=int, default=7208)
    ap.add_argument('--keep', help='write the generated YAML here')
    ap.add_argument('-v', action='count', default=0)
    args = ap.parse_args()

    rnd = random.Random(args.seed)
    per = 20
    scenarios = []
    n = 0
    while n < args.cases:
        k = min(per, args.cases - n)
        scenarios.append(Gen(rnd, len(scenarios)).scenario(k))
        n += k
    # unique test ids across the file
    for si, sc in enumerate(scenarios):
        sc['tests'] = {'s%d-%s' % (si, tid): t
                       for tid, t in sc['tests'].items()}

    fd, path = tempfile.mkstemp(suffix='.yml')
    with os.fdopen(fd, 'w') as f:
        yaml.safe_dump_all(scenarios, f, allow_unicode=False, width=1000)
    if args.keep:
        with open(args.keep, 'w') as f:
            yaml.safe_dump_all(scenarios, f, allow_unicode=False, width=1000)
    out = subprocess.run([args.runner, '--emit', path], capture_output=True,
                         text=True)
    os.unlink(path)
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-2000:])
        raise SystemExit('runner failed (%d)' % out.returncode)
    ours = {}
    for line in out.stdout.splitlines():
        tid, res, exp, reason = line.split('\t')
        ours[tid] = (res, exp, reason)

    base = load_pyspf([])
    variants = {name: load_pyspf([name]) for name in PYSPF_FIXES}
    allfixed = load_pyspf(list(PYSPF_FIXES))
    agree = 0
    explained = {name: 0 for name in PYSPF_FIXES}
    explained['several'] = 0
    bad = []
    outcomes = {}
    for sc in scenarios:
        z = zone_index(sc['zonedata'])
        for tid, t in sc['tests'].items():
            mine = ours.get(tid)
            if mine is None:
                bad.append((tid, 'no result from inkan', None))
                continue
            res, exp = pyspf_check(base, z, t)
            outcomes[mine[0]] = outcomes.get(mine[0], 0) + 1

            def same(r, e):
                return r == mine[0] and (r != 'fail' or e == mine[1])
            if same(res, exp):
                agree += 1
                continue
            why = None
            for name, mod in variants.items():
                if same(*pyspf_check(mod, z, t)):
                    why = name
                    break
            if why is None and same(*pyspf_check(allfixed, z, t)):
                why = 'several'
            if why is None:
                bad.append((tid, 'pyspf %s %r, inkan %s %r (%s)' % (
                    res, exp, mine[0], mine[1], mine[2]), sc))
            else:
                explained[why] += 1
                if args.v:
                    print('%s: pyspf %s, inkan %s: %s' % (tid, res, mine[0],
                                                          why))
    total = sum(len(sc['tests']) for sc in scenarios)
    print('%d cases (seed %d): %d agree, %d differ where pyspf deviates '
          'from RFC 7208, %d unexplained' % (
              total, args.seed, agree, total - agree - len(bad), len(bad)))
    print('inkan results: ' + ', '.join('%s %d' % kv for kv in
                                         sorted(outcomes.items())))
    for name, count in explained.items():
        if count:
            rule = PYSPF_FIXES[name][0] if name in PYSPF_FIXES else \
                'several of the deviations above at once'
            print('  %5d  pyspf %s: %s' % (count, name, rule))
    for tid, msg, sc in bad[:20]:
        print('UNEXPLAINED %s: %s' % (tid, msg))
        if args.v > 1 and sc is not None:
            print(yaml.safe_dump({'zonedata': sc['zonedata'],
                                  'test': sc['tests'][tid]}, width=1000))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
