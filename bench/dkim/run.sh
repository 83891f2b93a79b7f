#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/dkim/run.sh [BUILD_DIR] [N] - the DKIM benchmark (see README.md).
#
# Makes N (default 1000) signed messages (~5.6 KB, RSA-2048, relaxed) in a
# fresh directory under BUILD_DIR (mode 0700: OpenDKIM refuses world-
# writable parents such as /tmp), then prints, as ratios:
#   - inkan verify (one process, warm key cache) vs opendkim -t and dkimpy
#   - inkan verify vs the crypto floor (OpenSSL alone: SHA-256 of the
#     message + one RSA-2048 verify), in one process, same run
#   - inkan sign vs the RSA-2048 sign floor
#   - the peak RSS a 50 MB message adds to inkan verify
# and removes the directory. Needs opendkim and python3-dkim (PEERS.md).
set -eu

BUILD=${1:-build}
N=${2:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
INKAN=$BUILD/cmd/inkan/inkan
BENCH=$BUILD/bench/dkim/bench_dkim
[ -x "$INKAN" ] && [ -x "$BENCH" ] || {
	echo "build first: meson setup $BUILD && ninja -C $BUILD" >&2
	exit 2
}
WORK=$(mktemp -d "$(cd "$BUILD" && pwd)/bench-dkim.XXXXXX")
chmod 700 "$WORK"
trap 'rm -rf "$WORK"' EXIT INT TERM

"$BENCH" gen "$WORK" "$N" >&2
OUT=$WORK/results
{
	"$BENCH" run "$WORK"
	/usr/bin/python3 "$HERE/peers.py" "$INKAN" "$WORK"
	"$BENCH" big "$WORK" 50 >&2
	"$BENCH" rss "$INKAN" "$WORK"
} > "$OUT"

val() { awk -v k="$1" '$1 == k { print $2 }' "$OUT"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

cat "$OUT"
echo
echo "== ratios (by CPU time; the machine may be shared) =="
echo "inkan verify / opendkim -t:   $(ratio "$(val opendkim_cpu_s)" "$(val inkan_cpu_s)")x   (goal >= 10)"
echo "inkan verify / dkimpy:        $(ratio "$(val dkimpy_cpu_s)" "$(val inkan_cpu_s)")x"
echo "inkan verify / crypto floor:  $(val verify_vs_floor)   (goal >= 0.50)"
echo "inkan sign / sign floor:      $(val sign_vs_floor)   (goal >= 0.90)"
echo "RSS added by a 50 MB message: $(val rss_added_kib) KiB   (goal < 2048)"
echo "(wall clock: inkan $(val inkan_wall_s) s, opendkim $(val opendkim_wall_s) s, dkimpy $(val dkimpy_wall_s) s)"
