#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh BUILD [SECONDS] - inkan vs libspf2 vs pyspf on one SPF workload,
# in memory and against a real DNS server (see README.md).
#
# Runs inside a private network and mount namespace (unshare; needs root):
# Knot DNS serves the workload on 127.0.0.1:53 there, and /etc/resolv.conf
# is bind-mounted (in that namespace only) to point at it, because libspf2
# and pyspf take their server from the system settings. Nothing outside the
# namespace is touched; Knot and the namespace go away when this ends.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
secs=${2:-5}

if [ "${INKAN_SPF_BENCH_NS:-}" != 1 ]; then
	exec unshare --mount --net env INKAN_SPF_BENCH_NS=1 sh "$0" "$@"
fi

ip link set lo up
tmp=$(mktemp -d)
knot_pid=
cleanup() {
	[ -n "$knot_pid" ] && kill "$knot_pid" 2>/dev/null
	umount /etc/resolv.conf 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# the workload as a zone (every name is under bench.test)
{
	echo '$ORIGIN bench.test.'
	echo '$TTL 3600'
	echo '@ SOA ns hostmaster 1 3600 600 86400 300'
	echo '@ NS ns'
	echo 'ns A 127.0.0.1'
	grep -v '^#' "$here/workload.txt" | while read -r name type data; do
		case $type in
		TXT) printf '%s. TXT "%s"\n' "$name" "$data" ;;
		MX) printf '%s. MX %s.\n' "$name" "$data" ;;
		*) printf '%s. %s %s\n' "$name" "$type" "$data" ;;
		esac
	done
} >"$tmp/bench.test.zone"
cat >"$tmp/knot.conf" <<EOF
server:
    rundir: "$tmp"
    listen: 127.0.0.1@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$tmp/db"
log:
  - target: stderr
    any: warning
zone:
  - domain: bench.test
    storage: "$tmp"
    file: "bench.test.zone"
EOF
/usr/sbin/knotd -c "$tmp/knot.conf" >"$tmp/knot.log" 2>&1 &
knot_pid=$!
i=0
until kdig +short +timeout=1 +retry=0 @127.0.0.1 bench.test SOA 2>/dev/null |
    grep -q hostmaster; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		cat "$tmp/knot.log"
		echo "knotd did not start" >&2
		exit 1
	fi
	sleep 0.2
done
echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
mount --bind "$tmp/resolv.conf" /etc/resolv.conf

out="$tmp/results"
{
	echo "== in-memory DNS"
	"$build/bench/spf/bench_spf" "$here" --zone "$secs"
	"$build/bench/spf/bench_libspf2" "$here" zone "$secs"
	/usr/bin/python3 "$here/bench_pyspf.py" "$here" zone "$secs"
	echo "== real DNS: Knot on 127.0.0.1:53, warm caches"
	"$build/bench/spf/bench_spf" "$here" --server 127.0.0.1@53 "$secs"
	"$build/bench/spf/bench_libspf2" "$here" resolv "$secs"
	/usr/bin/python3 "$here/bench_pyspf.py" "$here" real "$secs"
} | tee "$out"

# ratios of the medians (checks per CPU second)
awk '
/^== / { part = $0; next }
{ for (i = 1; i <= NF; i++) if ($i == "median") v = $(i + 1)
  gsub(",", "", v); rate[part, $1] = v }
END {
  n = split("== in-memory DNS|== real DNS: Knot on 127.0.0.1:53, warm caches", parts, "|")
  for (k = 1; k <= n; k++) {
    p = parts[k]
    printf "%s: inkan/libspf2 = %.2fx, inkan/pyspf = %.1fx\n", substr(p, 4),
      rate[p, "inkan"] / rate[p, "libspf2"], rate[p, "inkan"] / rate[p, "pyspf"]
  }
}' "$out"
