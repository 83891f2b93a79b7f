#!/bin/sh
# run.sh [BUILD_DIR] - run bench_dns with a private Knot DNS for part (b).
# Knot is started the same way as in the integration test
# (tests/integration/knot_rig.py: 127.0.0.1, a free high port, a temporary
# directory) and stopped when the benchmark ends.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
exec python3 "$top/tests/integration/knot_rig.py" \
	--zone "inkan.test=$top/tests/integration/data/integration.zone" \
	-- "$build/bench/dns/bench_dns"
