#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/report/run_enrich.sh [INKAN] - issue 13's two latency goals on the
# big report (see README.md): store + enrich with every DNS answer LATENCY
# ms late (the zone backend's $LATENCY), and the dashboard overview's
# render time (HTML and JSON, timed with curl). Environment:
#   ROWS (1000000) IPS (50000) LATENCY (20) WINDOW (500) SECONDS (110)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
inkan=${1:-$here/../../build/cmd/inkan/inkan}
ROWS=${ROWS:-1000000}; IPS=${IPS:-50000}; LATENCY=${LATENCY:-20}
WINDOW=${WINDOW:-500}; SECONDS_MAX=${SECONDS:-110}
tmp=$(mktemp -d /tmp/inkan-bench-enrich.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

python3 "$here/gen.py" big "$tmp/big.xml.gz" "$ROWS" "$IPS"
python3 "$here/gen.py" zone "$tmp/ptr.zone" "$IPS" "$LATENCY"

t0=$(date +%s.%N)
/usr/bin/time -f "%e %U %S" -o "$tmp/t1" "$inkan" report ingest \
	--db "$tmp/big.db" --max-size 4294967296 "$tmp/big.xml.gz" >/dev/null
rc=0
/usr/bin/time -f "%e %U %S" -o "$tmp/t2" "$inkan" --dns-zone "$tmp/ptr.zone" \
	report enrich --db "$tmp/big.db" --seconds "$SECONDS_MAX" \
	--window "$WINDOW" >"$tmp/enrich.out" 2>&1 || rc=$?
t1=$(date +%s.%N)
read -r iw iu is < "$tmp/t1"; read -r ew eu es < "$tmp/t2"
echo "ingest: $ROWS records in ${iw}s wall ($(echo "$iu + $is" | bc)s CPU)"
echo "enrich ($IPS IPs, ${LATENCY} ms DNS, window $WINDOW): ${ew}s wall" \
	"($(echo "$eu + $es" | bc)s CPU), exit $rc: $(tail -1 "$tmp/enrich.out")"
echo "stored and enriched: $(echo "$t1 - $t0" | bc)s wall (goal < 120 s)"

# the dashboard overview over the same store
"$inkan" report serve --db "$tmp/big.db" --listen 127.0.0.1:0 \
	>"$tmp/serve.out" 2>&1 &
pid=$!
i=0
until grep -q serving "$tmp/serve.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/serve.out"; exit 1; }
	sleep 0.1
done
url=$(sed -n 's/^serving \(http[^ ]*\) .*/\1/p' "$tmp/serve.out")
for path in "" overview.json sources sources.json; do
	for n in 1 2 3; do
		curl -s -o "$tmp/page" -w "%{http_code} %{time_total}\n" \
			"$url$path" > "$tmp/w"
		read -r code secs < "$tmp/w"
		echo "GET /$path: HTTP $code, ${secs}s, $(wc -c < "$tmp/page") bytes (run $n)"
	done
done
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
