#!/bin/sh
# spf.sh INKAN - `inkan spf` end to end against a zone file: results and
# exit codes (0 pass, 1 other, 3 temperror, 2 usage), the explanation on
# the second line for a fail, the null sender, HELO checks, --trace,
# --header, --json (parsed by python3 when it is there) and --lint.
set -u
inkan=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME CONDITION...
	name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		fails=$((fails + 1))
	fi
}

cat >"$tmp/z.zone" <<'ZONE'
$TTL 300
example.com. TXT "v=spf1 mx include:_spf.example.net -all exp=why.example.com"
example.com. MX 10 mx1.example.com.
mx1.example.com. A 198.51.100.1
_spf.example.net. TXT "v=spf1 ip6:2001:db8::/32 ~all"
why.example.com. TXT "%{i} may not send for %{d}"
helo.example.org. TXT "v=spf1 a -all"
helo.example.org. A 192.0.2.10
broken.example. TXT "v=spf1 a:down.example -all"
$FAULT down.example A servfail
bad.example. TXT "v=spf1 a:foo -all"
lint.example. TXT "v=spf1 ptr +all"
ZONE
s="$inkan --dns-zone $tmp/z.zone spf"

$s --ip 198.51.100.1 --mail-from user@example.com >"$tmp/out" 2>&1
check "mx pass: exit 0" test $? -eq 0
check "mx pass: one line" test "$(cat "$tmp/out")" = pass
$s --ip 203.0.113.5 --mail-from user@example.com >"$tmp/out" 2>&1
check "fail: exit 1" test $? -eq 1
check "fail: result first" test "$(sed -n 1p "$tmp/out")" = fail
check "fail: exp= text second" \
	test "$(sed -n 2p "$tmp/out")" = "203.0.113.5 may not send for example.com"
$s --ip 2001:db8::5 --mail-from user@example.com --trace >"$tmp/out" 2>&1
check "include over IPv6: pass" test "$(sed -n 1p "$tmp/out")" = pass
check "--trace shows the include's record" \
	grep -q "record .*_spf.example.net: v=spf1 ip6:2001:db8::/32 ~all" \
	"$tmp/out"
$s --ip 192.0.2.10 --mail-from '' --helo helo.example.org >"$tmp/out" 2>&1
check "null sender is postmaster@HELO: pass" test $? -eq 0
$s --ip 192.0.2.10 --mail-from '<>' --helo helo.example.org --header \
	--receiver mx.test >"$tmp/out" 2>&1
check "<> too, with Received-SPF" grep -q \
	"^Received-SPF: pass (mx.test: domain of postmaster@helo.example.org" \
	"$tmp/out"
check "and Authentication-Results" grep -q "^Authentication-Results: mx.test;" \
	"$tmp/out"
$s --ip 192.0.2.11 --helo helo.example.org >"$tmp/out" 2>&1
check "HELO identity: fail" test $? -eq 1
$s --ip 192.0.2.1 --mail-from x@broken.example >"$tmp/out" 2>&1
check "DNS failure: temperror, exit 3" test $? -eq 3
check "temperror printed" test "$(sed -n 1p "$tmp/out")" = temperror
$s --ip 192.0.2.1 --mail-from x@bad.example >"$tmp/out" 2>&1
check "syntax error: permerror, exit 1" test $? -eq 1
$s --ip 192.0.2.1 --mail-from x@nothing.example >"$tmp/out" 2>&1
check "no record: none" test "$(cat "$tmp/out")" = none
$s --ip 192.0.2.1 --mail-from x@bad.example \
	--default-explanation 'no %{i}' >/dev/null 2>&1
check "valid --default-explanation accepted" test $? -eq 1
$s --ip 203.0.113.5 --mail-from x@lint.example >/dev/null 2>&1
check "+all: pass" test $? -eq 0
$s --ip not-an-ip --mail-from user@example.com >/dev/null 2>&1
check "bad --ip: exit 2" test $? -eq 2
$s --mail-from user@example.com >/dev/null 2>&1
check "no --ip: exit 2" test $? -eq 2
$s --ip 192.0.2.1 --mail-from '' >/dev/null 2>&1
check "null sender without --helo: exit 2" test $? -eq 2
$s --ip 192.0.2.1 --mail-from a@example.com --default-explanation '%x' \
	>/dev/null 2>&1
check "bad --default-explanation: exit 2" test $? -eq 2
$s --lint lint.example >"$tmp/out" 2>&1
check "--lint finds errors: exit 1" test $? -eq 1
check "--lint reports +all" grep -q "plus-all" "$tmp/out"
check "--lint reports ptr" grep -q "\[ptr\]" "$tmp/out"
$s --lint example.com >/dev/null 2>&1
check "--lint clean: exit 0" test $? -eq 0
$inkan --json --dns-zone "$tmp/z.zone" spf --ip 203.0.113.5 \
	--mail-from user@example.com >"$tmp/out" 2>&1
check "--json: exit 1 for fail" test $? -eq 1
if command -v python3 >/dev/null 2>&1; then
	check "--json parses, has every field" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
need = ["result", "identity", "reason", "domain", "sender", "client_ip",
        "helo", "mechanism", "mechanism_domain", "explanation",
        "explanation_from_domain", "problem", "error_domain", "error_record",
        "error_pos", "error_qtype", "limit", "dns_terms", "void_lookups",
        "trace", "trace_truncated", "received_spf"]
assert all(k in v for k in need), [k for k in need if k not in v]
assert v["result"] == "fail" and v["mechanism"] == "-all"
assert v["dns_terms"] == 2 and len(v["trace"]) >= 4
' "$tmp/out"
fi

[ "$fails" -eq 0 ]
