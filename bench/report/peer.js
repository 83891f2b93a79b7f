// SPDX-License-Identifier: MIT
// The npm dmarc-report-parser parsing the same XML files, timed in-process
// (module load excluded). usage: node peer.js FILE.xml [FILE.xml ...]
// Prints: records parsed, seconds.
'use strict';
const fs = require('fs');
const { parseDmarcReportsFromXml } = require('dmarc-report-parser');

(async () => {
  const files = process.argv.slice(2).map((f) => fs.readFileSync(f));
  const t0 = process.hrtime.bigint();
  let records = 0;
  for (const buf of files) {
    const out = await parseDmarcReportsFromXml([buf]);
    for (const rep of out.reports) {
      records += Array.isArray(rep.record) ? rep.record.length : 1;
    }
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(records + ' ' + s.toFixed(3));
})().catch((e) => { console.error(e.message); process.exit(1); });
