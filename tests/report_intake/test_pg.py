#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The owner side on PostgreSQL: run by tests/report/pg_run.py, which
starts a private server and sets INKAN_TEST_STORE. Ingests the shared
samples, checks the summary against Python's own reading of them, and
that ingesting again changes nothing.

usage: pg_run.py test_pg.py INKAN SHARED_DMARC_DIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from samples import expected  # noqa: E402

INKAN, DMARC = sys.argv[1], sys.argv[2]
STORE = os.environ['INKAN_TEST_STORE']
passes = failures = 0


def check(cond, what):
    global passes, failures
    if cond:
        passes += 1
    else:
        failures += 1
        print('FAIL:', what)


def run(*args):
    p = subprocess.run([INKAN] + list(args), capture_output=True,
                       timeout=300)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


agg = os.path.join(DMARC, 'aggregate')
files = [os.path.join(d, f) for d in (agg, os.path.join(DMARC,
         'aggregate-invalid'), os.path.join(DMARC, 'failure'))
         for f in sorted(os.listdir(d))]
want_reports, want = expected(agg)
rc, out, err = run('--json', 'report', 'ingest', '--db', STORE, *files)
st = json.loads(out)
check(rc == 4 and st['aggregate_new'] == len(want_reports) and
      st['failure_new'] == 4 and st['refused'] == 4,
      'first ingest on PostgreSQL: %s %s' % (out, err))
rc, out, err = run('--json', 'report', 'ingest', '--db', STORE, *files)
st = json.loads(out)
check(st['aggregate_new'] == 0 and st['failure_new'] == 0 and
      st['aggregate_dup'] == len(want_reports) and st['failure_dup'] == 4,
      're-ingest changes nothing: %s' % out)
rc, out, err = run('--json', 'report', 'summary', '--db', STORE)
check(rc == 0, 'summary on PostgreSQL: %s' % err)
got = {d['domain']: d for d in json.loads(out or '{"domains":[]}')['domains']}
for dom, w in want.items():
    for k in ('reports', 'messages', 'dmarc_pass', 'spf_aligned',
              'dkim_aligned'):
        check(got.get(dom, {}).get(k) == w[k], '%s %s: %s vs %s' %
              (dom, k, got.get(dom, {}).get(k), w[k]))
print('%d passed, %d failed' % (passes, failures))
sys.exit(1 if failures else 0)
