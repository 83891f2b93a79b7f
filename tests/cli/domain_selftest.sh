#!/bin/sh
# domain_selftest.sh INKAN - `inkan domain selftest` end to end: a domain
# set up by `inkan domain setup`, its records published in a zone file
# rendered from setup's own output, passes; the same zone without the
# DKIM records, or without the MAIL FROM's SPF record, fails with the
# record to publish as the fix.
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

"$inkan" domain setup example.com --state "$tmp/st" --key-type both \
	--spf-ip 192.0.2.0/24 --mail-from bounce --mail-from-mx mx.example.com \
	--dmarc-policy reject --rua mailto:dmarc@example.com --format zone \
	>"$tmp/records.zone" 2>"$tmp/setup.err"
check "setup renders the zone" test $? -eq 0
# the zone's own records: its SOA and the bounce host's address
cat >"$tmp/base.zone" <<'ZONE'
$ORIGIN example.com.
@ 300 IN SOA ns hostmaster 1 3600 600 86400 60
mx IN A 192.0.2.25
ZONE
grep -v '_domainkey' "$tmp/records.zone" >"$tmp/nodkim.zone"
grep -v '^bounce\.example\.com\. .* TXT ' "$tmp/records.zone" >"$tmp/nospf.zone"
check "the MAIL FROM SPF line was taken out" \
	test "$(grep -c . "$tmp/nospf.zone")" -lt "$(grep -c . "$tmp/records.zone")"

run() {	# run ZONE OUT [options]: the exit status in $rc
	zone=$1
	out=$2
	shift 2
	"$inkan" --dns-zone "$tmp/base.zone" --dns-zone "$tmp/$zone" "$@" \
		domain selftest example.com --state "$tmp/st" >"$tmp/$out" 2>&1
	rc=$?
}

run records.zone pass.txt
check "published: exit 0" test "$rc" -eq 0
check "published: SPF as Gmail shows it" \
	grep -q '^SPF: *PASS with IP 192.0.2.1$' "$tmp/pass.txt"
check "published: both DKIM signatures pass" \
	test "$(grep -c "^DKIM: *'PASS' with domain example.com" "$tmp/pass.txt")" -eq 2
check "published: DMARC pass" grep -q "^DMARC: *'PASS'$" "$tmp/pass.txt"
check "published: selftest pass" grep -q '^selftest: pass$' "$tmp/pass.txt"

run nodkim.zone nodkim.txt
check "no DKIM record: exit 1" test "$rc" -eq 1
check "no DKIM record: DKIM is not a pass" \
	grep -q "^DKIM: *'PERMERROR'" "$tmp/nodkim.txt"
check "no DKIM record: the fix is the key record" \
	grep -q 'fix: publish the key record of selector .*"v=DKIM1; k=rsa; p=' \
	"$tmp/nodkim.txt"
check "no DKIM record: selftest FAIL" grep -q '^selftest: FAIL$' "$tmp/nodkim.txt"

run nospf.zone nospf.txt
check "no MAIL FROM SPF: exit 1" test "$rc" -eq 1
check "no MAIL FROM SPF: SPF none" \
	grep -q '^SPF: *NONE with IP 192.0.2.1$' "$tmp/nospf.txt"
check "no MAIL FROM SPF: the fix is the SPF record" \
	grep -q 'fix: publish the SPF record of bounce.example.com, TXT "v=spf1 ip4:192.0.2.0/24 ~all"' \
	"$tmp/nospf.txt"

run nospf.zone nospf.json --json
check "--json: exit 1" test "$rc" -eq 1
check "--json: valid, with the failing note and its fix" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["passed"] is False, d
assert d["spf"] == "NONE with IP 192.0.2.1", d["spf"]
spf = [n for n in d["notes"] if n["method"] == "spf"][0]
assert spf["problem"] is True and "v=spf1" in spf["fix"], spf
assert all(n["problem"] is False for n in d["notes"] if n["method"] == "dkim")
' "$tmp/nospf.json"

"$inkan" --dns-zone "$tmp/base.zone" --dns-zone "$tmp/records.zone" \
	domain selftest example.com --state "$tmp/st" --ip 198.51.100.7 \
	>"$tmp/other-ip.txt" 2>&1
check "--ip outside the SPF record: exit 1" test $? -eq 1
check "--ip outside the SPF record: softfail" \
	grep -q '^SPF: *SOFTFAIL with IP 198.51.100.7$' "$tmp/other-ip.txt"

printf '$FAULT bounce.example.com. TXT servfail\n' >"$tmp/fault.zone"
"$inkan" --dns-zone "$tmp/base.zone" --dns-zone "$tmp/fault.zone" \
	--dns-zone "$tmp/records.zone" domain selftest example.com \
	--state "$tmp/st" >"$tmp/fault.txt" 2>&1
check "DNS failure for the MAIL FROM SPF: exit 3" test $? -eq 3
check "DNS failure: SPF temperror" \
	grep -q '^SPF: *TEMPERROR with IP 192.0.2.1$' "$tmp/fault.txt"

"$inkan" --dns-zone "$tmp/base.zone" domain selftest example.com \
	--state "$tmp/none" >/dev/null 2>&1
check "no identity: exit 4" test $? -eq 4
"$inkan" domain selftest >/dev/null 2>&1
check "no domain: usage, exit 2" test $? -eq 2

test "$fails" -eq 0
