#!/bin/sh
# bench/milter/run.sh - inkan-milter in Postfix against Postfix alone,
# OpenDKIM signing and the legacy verify chain (policyd-spf + OpenDKIM +
# OpenDMARC), side by side in one run (bench.py; README.md here).
#   bench/milter/run.sh [BUILD_DIR] [bench.py options]
#   --messages N --sessions S --runs R   (default 2000, 20, 3)
#   --only a,b     some set-ups only; --no-netns: no private namespace,
#                  no legacy chain
#   --full-load    also the issue's load case: 20,000 messages at 50
#                  sessions through tests/milter/milter_postfix.py
# Needs root (Postfix, unshare -mn), postfix, opendkim, opendmarc,
# postfix-policyd-spf-python, knot, iproute2.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
[ $# -gt 0 ] && shift
full=0
args=""
for a in "$@"; do
	if [ "$a" = "--full-load" ]; then full=1; else args="$args $a"; fi
done
py=/usr/bin/python3
# shellcheck disable=SC2086 # word splitting of the options is intended
$py "$here/bench.py" --milter "$build/milter/inkan-milter" \
	--inkan "$build/cmd/inkan/inkan" $args
if [ "$full" = 1 ]; then
	$py "$here/../../tests/milter/milter_postfix.py" \
		--milter "$build/milter/inkan-milter" \
		--inkan "$build/cmd/inkan/inkan" --load 20000 \
		--load-sessions 50
fi
