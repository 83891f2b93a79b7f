#!/bin/sh
# dmarc.sh INKAN - `inkan dmarc` end to end against a zone file: the
# inspection (trace, policies, advice, JSON, exit codes 0/1/3) and the
# evaluation mode (verdicts, exit codes, Authentication-Results).
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
$ORIGIN example.com.
@ A 192.0.2.1
news A 192.0.2.2
_dmarc TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; aspf=s; pct=50; rua=mailto:d@example.com"
$ORIGIN example.org.
_dmarc TXT "v=DMARC1; p=none"
$FAULT _dmarc.slow.example.net. TXT timeout
ZONE
z="--dns-zone $tmp/z.zone"

"$inkan" $z dmarc example.com >"$tmp/out" 2>&1
check "inspect: record found, exit 0" test $? -eq 0
check "inspect: trace lists _dmarc.example.com" \
	grep -q "_dmarc.example.com  *record" "$tmp/out"
check "inspect: subdomain policy from sp" \
	grep -q "existing subdomains: *quarantine" "$tmp/out"
check "inspect: nxdomain policy from np" \
	grep -q "non-existent subdomains: *reject" "$tmp/out"
check "inspect: removed tag pct reported" grep -q "pct was removed" "$tmp/out"
check "inspect: strict aspf warned" grep -q "aspf=s" "$tmp/out"

"$inkan" $z dmarc --strict example.com >/dev/null 2>&1
check "inspect --strict: advice gives exit 1" test $? -eq 1
"$inkan" $z dmarc example.org >"$tmp/out" 2>&1
check "inspect: p=none found, exit 0" test $? -eq 0
check "inspect: p=none and no rua advised" \
	sh -c "grep -q 'p=none: monitoring' '$tmp/out' && grep -q 'no rua' '$tmp/out'"
"$inkan" $z dmarc nothing.example >/dev/null 2>&1
check "inspect: no record, exit 1" test $? -eq 1
"$inkan" $z dmarc slow.example.net >/dev/null 2>&1
check "inspect: DNS timeout, exit 3" test $? -eq 3
"$inkan" $z dmarc 'bad..name' >/dev/null 2>&1
check "inspect: bad name, exit 4" test $? -eq 4
"$inkan" $z dmarc >/dev/null 2>&1
check "no domain: usage, exit 2" test $? -eq 2

"$inkan" $z --json dmarc news.example.com >"$tmp/json"
check "inspect json" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "record", d
assert d["policy_domain"] == "example.com"
assert d["organizational_domain"] == "example.com"
assert d["policy"] == {"self": "quarantine", "subdomain": "quarantine",
                       "nxdomain": "reject"}, d["policy"]
assert d["domain_exists"] is True
assert [t["outcome"] for t in d["trace"]] == ["none", "record", "none"]
' "$tmp/json"

"$inkan" $z dmarc --from example.com --dkim pass:example.com >"$tmp/out"
check "eval: aligned DKIM passes, exit 0" test $? -eq 0
check "eval: A-R in Gmail's form" grep -q \
	"dmarc=pass (p=REJECT sp=QUARANTINE dis=NONE) header.from=example.com" \
	"$tmp/out"
"$inkan" $z dmarc --from example.com --spf pass \
	--mail-from bounce.example.com >"$tmp/out"
check "eval: aspf=s refuses the bounce subdomain, exit 1" test $? -eq 1
check "eval: disposition reject" grep -q "disposition reject" "$tmp/out"
"$inkan" $z dmarc --from slow.example.net --dkim pass:slow.example.net \
	>/dev/null
check "eval: DNS timeout is temperror, exit 3" test $? -eq 3

printf 'From: a@example.com, b@example.org\r\n\r\nhi\r\n' >"$tmp/two.eml"
"$inkan" $z --json dmarc --message "$tmp/two.eml" \
	--dkim pass:example.org >"$tmp/json"
check "eval: two From domains, strictest wins" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"]["result"] == "fail", d["verdict"]
assert d["verdict"]["author_domain"] == "example.com"
assert [x["result"] for x in d["domains"]] == ["fail", "pass"]
' "$tmp/json"

"$inkan" $z dmarc --rfc7489 --from example.com >"$tmp/out"
check "eval --rfc7489 uses the PSL" grep -q "discovery: psl" "$tmp/out"

test "$fails" -eq 0
