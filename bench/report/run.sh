#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/report/run.sh [INKAN] - report intake throughput, and the npm
# dmarc-report-parser on the same XML (see README.md). Environment:
#   ROWS (1000000) IPS (50000)   the big RFC 9990 report
#   SMALL (10000) SMALL_ROWS (5) the Maildir of small report mails
#   PEER_ROWS (20000)            the report both parsers read
#   NODE_MODULES                 where dmarc-report-parser is installed
#                                (else: npm install into a temp dir)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
inkan=${1:-$here/../../build/cmd/inkan/inkan}
ROWS=${ROWS:-1000000}; IPS=${IPS:-50000}
SMALL=${SMALL:-10000}; SMALL_ROWS=${SMALL_ROWS:-5}
PEER_ROWS=${PEER_ROWS:-20000}
tmp=$(mktemp -d /tmp/inkan-bench-report.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# wall and CPU seconds of a command: "WALL CPU"
timed() {
	/usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$tmp/t"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 0.001) }'; }

echo "generating: $ROWS-row report over $IPS IPs, $SMALL small reports"
python3 "$here/gen.py" big "$tmp/big.xml.gz" "$ROWS" "$IPS"
python3 "$here/gen.py" maildir "$tmp/Maildir" "$SMALL" "$SMALL_ROWS"
python3 "$here/gen.py" xml "$tmp/peer.xml" "$PEER_ROWS" 1000

set -- $(timed "$inkan" report ingest --db "$tmp/big.db" \
	--max-size 4294967296 "$tmp/big.xml.gz")
echo "big report: $ROWS records in ${1}s wall (${2}s CPU):" \
	"$(rate "$ROWS" "$1") records/s wall, $(rate "$ROWS" "$2") per CPU-second"
n=$((SMALL * SMALL_ROWS))
set -- $(timed "$inkan" report ingest --db "$tmp/small.db" "$tmp/Maildir")
echo "Maildir: $SMALL reports, $n records in ${1}s wall (${2}s CPU):" \
	"$(rate "$SMALL" "$1") reports/s, $(rate "$n" "$1") records/s wall," \
	"$(rate "$n" "$2") per CPU-second"

if [ -z "${NODE_MODULES:-}" ]; then
	(cd "$tmp" && npm install --no-audit --no-fund --silent \
		dmarc-report-parser >/dev/null)
	NODE_MODULES=$tmp/node_modules
fi
set -- $(timed "$inkan" report ingest --db "$tmp/peer.db" "$tmp/peer.xml")
iw=$1; ic=$2
NODE_PATH=$NODE_MODULES /usr/bin/time -f "%e %U %S" -o "$tmp/t" \
	node "$here/peer.js" "$tmp/peer.xml" > "$tmp/peer.out"
read -r pn ps < "$tmp/peer.out"
pc=$(awk '{ printf "%.2f", $2 + $3 }' "$tmp/t")
echo "same $PEER_ROWS-record XML: inkan parse+store ${iw}s wall (${ic}s CPU);" \
	"dmarc-report-parser (npm) parse only ${ps}s in-process, ${pc}s CPU" \
	"for its $pn records"
awk -v a="$ps" -v b="$iw" -v c="$pc" -v d="$ic" 'BEGIN {
	printf "ratio: dmarc-report-parser takes %.1fx the wall time and " \
	    "%.1fx the CPU of inkan\n", a / (b > 0 ? b : 0.001), c / (d > 0 ? d : 0.001) }'
