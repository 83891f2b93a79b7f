#!/bin/sh
# run_store.sh [BUILD_DIR [ROWS [DOMAINS [RECORD [THREADS]]]]] - bench_report on a
# fresh SQLite file, then on a private PostgreSQL server started by
# tests/report/pg_run.py (initdb in a temporary directory, 127.0.0.1, a free
# port; stopped at the end).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
shift || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== SQLite"
"$build/bench/report/bench_report" "$tmp/bench.db" "$@"
echo "== PostgreSQL"
"$top/tests/report/pg_run.py" sh -c \
	'exec "$0" "$INKAN_TEST_STORE" "$@"' "$build/bench/report/bench_report" "$@"
