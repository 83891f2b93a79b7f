# SPDX-License-Identifier: MIT
"""The shared DMARC samples read by Python's own XML, gzip, zip and email
modules: what inkan's figures are checked against, computed without inkan.
"""
import email
import io
import os
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib


def xml_payloads(data):
    """every XML document in data, found by python's own means"""
    if data[:2] == b'\x1f\x8b':
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return xml_payloads(d.decompress(data))
    if data[:4] == b'PK\x03\x04':
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in z.namelist():
                out += xml_payloads(z.read(n))
        return out
    if data.lstrip()[:1] == b'<':
        return [data]
    msg = email.message_from_bytes(data)
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        body = part.get_payload(decode=True) or b''
        if body[:2] == b'\x1f\x8b' or body[:4] == b'PK\x03\x04' or \
                (body.lstrip()[:1] == b'<' and
                 not part.get_content_type().startswith('text/')):
            out += xml_payloads(body)
    return out


def local(tag):
    return tag.split('}')[-1]


def find(el, path):
    for step in path.split('/'):
        if el is None:
            return None
        el = next((c for c in el if local(c.tag) == step), None)
    return el


def text(el, path):
    e = find(el, path)
    return (e.text or '').strip() if e is not None else ''


def expected(agg_dir):
    reports = {}
    for name in sorted(os.listdir(agg_dir)):
        with open(os.path.join(agg_dir, name), 'rb') as f:
            data = f.read()
        for x in xml_payloads(data):
            # the IKEA quirk: drop the stray unclosed schema start tag
            x = re.sub(rb'<xs:schema[^>]*>', b'', x, count=1)
            root = ET.fromstring(x)
            key = (text(root, 'report_metadata/org_name'),
                   text(root, 'report_metadata/report_id'),
                   int(text(root, 'report_metadata/date_range/begin')),
                   int(text(root, 'report_metadata/date_range/end')),
                   text(root, 'policy_published/domain'))
            recs = [c for c in root if local(c.tag) == 'record']
            reports[key] = recs
    doms = {}
    for key, recs in reports.items():
        d = doms.setdefault(key[4], dict(reports=0, messages=0, dmarc_pass=0,
                                         spf_aligned=0, dkim_aligned=0))
        if recs:
            d['reports'] += 1
        for r in recs:
            n = int(text(r, 'row/count'))
            dk = text(r, 'row/policy_evaluated/dkim') == 'pass'
            sp = text(r, 'row/policy_evaluated/spf') == 'pass'
            d['messages'] += n
            d['dmarc_pass'] += n if (dk or sp) else 0
            d['spf_aligned'] += n if sp else 0
            d['dkim_aligned'] += n if dk else 0
    return reports, doms
