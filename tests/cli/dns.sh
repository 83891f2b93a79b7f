#!/bin/sh
# dns.sh INKAN DATA_DIR - `inkan dns` end to end against zone files: joined
# multi-string TXT, both argument orders, CNAME chain, JSON, --verbose, and
# the exit codes (0 data, 1 NXDOMAIN/NODATA, 2 usage, 3 fault, 4 bad zone).
set -u
inkan=$1
data=$2
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

z="--dns-zone $data/dns_example.zone"
key='"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest"'

"$inkan" dns $z TXT sel._domainkey.example.com >"$tmp/out" 2>&1
check "TYPE NAME: exit 0" test $? -eq 0
check "multi-string TXT shown joined" grep -qF "$key" "$tmp/out"
"$inkan" dns $z sel._domainkey.example.com txt >"$tmp/out2" 2>&1
check "NAME TYPE gives the same" cmp -s "$tmp/out" "$tmp/out2"
"$inkan" dns $z sel._domainkey.example.com >"$tmp/out2" 2>&1
check "TXT is the default type" cmp -s "$tmp/out" "$tmp/out2"
"$inkan" --verbose dns $z sel._domainkey.example.com >"$tmp/out" 2>&1
check "--verbose lists the strings" \
	grep -q 'string 2 (16 bytes): "MIIBCgKCAQEAtest"' "$tmp/out"

"$inkan" dns $z two.example.com >"$tmp/out" 2>&1
check "two TXT RRs stay two" test "$(grep -c '^TXT ' "$tmp/out")" -eq 2
"$inkan" dns $z alias.example.com >"$tmp/out" 2>&1
check "CNAME chain shown" grep -q "cname: *target.example.com" "$tmp/out"
"$inkan" dns $z example.com MX >"$tmp/out" 2>&1
check "MX shown" grep -q "^MX .* 10 mx1.example.com" "$tmp/out"

"$inkan" dns $z nope.example.com >"$tmp/out" 2>&1
check "NXDOMAIN: exit 1" test $? -eq 1
check "NXDOMAIN shown" grep -q "rcode: *NXDOMAIN" "$tmp/out"
"$inkan" dns $z ns1.example.com TXT >/dev/null 2>&1
check "NODATA: exit 1" test $? -eq 1

for f in down broken closed; do
	"$inkan" dns $z $f.example.com >/dev/null 2>&1
	check "\$FAULT $f: exit 3" test $? -eq 3
done

"$inkan" --json dns $z alias.example.com >"$tmp/out" 2>&1
check "JSON: exit 0" test $? -eq 0
check "JSON: chain and text" grep -qF \
	'"cnames":["alias2.example.com","target.example.com"],"records":[{"type":"TXT","ttl":600,"text":"at the end"' \
	"$tmp/out"
"$inkan" --json dns $z down.example.com >"$tmp/out" 2>&1
check "JSON: timeout flagged" grep -qF '"timed_out":true' "$tmp/out"

"$inkan" dns $z >/dev/null 2>&1
check "no name: exit 2" test $? -eq 2
"$inkan" dns $z a b c >/dev/null 2>&1
check "three words: exit 2" test $? -eq 2
"$inkan" dns $z a.example.com NOTATYPE >/dev/null 2>&1
check "unknown type: exit 2" test $? -eq 2
"$inkan" dns $z 'a..example.com' >/dev/null 2>&1
check "impossible name: exit 2" test $? -eq 2
"$inkan" dns $z --timeout 0 a.example.com >/dev/null 2>&1
check "bad --timeout: exit 2" test $? -eq 2

printf 'a.example. A 192.0.2.300\n' >"$tmp/bad.zone"
"$inkan" dns --dns-zone "$tmp/bad.zone" a.example >"$tmp/out" 2>&1
check "bad zone: exit 4" test $? -eq 4
check "bad zone: file:line shown" grep -q "bad.zone:1: bad IPv4" "$tmp/out"
"$inkan" dns --dns-zone "$tmp/missing.zone" a.example >/dev/null 2>&1
check "missing zone: exit 4" test $? -eq 4

# several --dns-zone files add up
printf 'extra.example. TXT "from the second file"\n' >"$tmp/extra.zone"
"$inkan" dns $z --dns-zone "$tmp/extra.zone" extra.example >"$tmp/out" 2>&1
check "second --dns-zone file answers" \
	grep -q '"from the second file"' "$tmp/out"

[ "$fails" -eq 0 ]
