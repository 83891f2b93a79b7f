#!/bin/sh
# dkim.sh INKAN - `inkan keygen`, `inkan sign` and `inkan verify` end to
# end: key file mode and never overwriting, the zone-file record (loaded
# back through --dns-zone), RSA + Ed25519 in one pass, LF files keep LF,
# --keys / --list / --json / --authserv-id, exit codes.
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

"$inkan" keygen --type rsa --selector r1 --domain example.com \
	--out "$tmp" >"$tmp/zone" 2>"$tmp/err"
check "keygen rsa exit 0" test $? -eq 0
"$inkan" keygen --type ed25519 --selector e1 --domain example.com \
	--out "$tmp" >>"$tmp/zone" 2>>"$tmp/err"
check "keygen ed25519 exit 0" test $? -eq 0
check "key file mode 0600" test "$(stat -c %a "$tmp/r1.example.com.pem")" = 600
check "owner name is absolute" grep -q '^r1._domainkey.example.com. IN TXT "v=DKIM1; k=rsa; p=' "$tmp/zone"
check "strings of at most 255" /usr/bin/python3 -c '
import re, sys
for line in open(sys.argv[1]):
    for s in re.findall(r"\"([^\"]*)\"", line):
        assert 0 < len(s) <= 255, len(s)
' "$tmp/zone"
"$inkan" keygen --type ed25519 --selector e1 --domain example.com \
	--out "$tmp" >/dev/null 2>&1
check "an existing key is not overwritten (exit 2)" test $? -eq 2
"$inkan" keygen --type rsa --bits 512 --selector x --domain example.com \
	--out "$tmp" >/dev/null 2>&1
check "512-bit RSA refused" test $? -eq 2

printf 'From: Joe <joe@example.com>\nTo: x@example.net\nSubject: hi\n\nHello.\n\n' \
	>"$tmp/m.eml"
"$inkan" sign --domain example.com --selector r1 --key "$tmp/r1.example.com.pem" \
	--selector e1 --key "$tmp/e1.example.com.pem" "$tmp/m.eml" >"$tmp/s.eml"
check "sign exit 0" test $? -eq 0
check "two signatures" test "$(grep -c '^DKIM-Signature:' "$tmp/s.eml")" -eq 2
check "LF message keeps LF" sh -c "! grep -q \"$(printf '\r')\" '$tmp/s.eml'"
"$inkan" --dns-zone "$tmp/zone" verify --dkim-only "$tmp/s.eml" >"$tmp/v" 2>&1
check "verify through the zone file: exit 0" test $? -eq 0
check "both pass" test "$(grep -c '^dkim=pass' "$tmp/v")" -eq 2
check "key sizes shown" grep -q "2048-bit key" "$tmp/v"

# the zone as a --keys file ("qname record")
/usr/bin/python3 -c '
import re, sys
for line in open(sys.argv[1]):
    print(line.split()[0].rstrip("."), "".join(re.findall(r"\"([^\"]*)\"", line)))
' "$tmp/zone" >"$tmp/keys"
sed 's/Hello\./Hello!/' "$tmp/s.eml" >"$tmp/bad.eml"
printf '%s\n%s\n' "$tmp/s.eml" "$tmp/bad.eml" >"$tmp/list"
"$inkan" verify --keys "$tmp/keys" --list "$tmp/list" >"$tmp/v2" 2>&1
check "one bad message in the list: exit 1" test $? -eq 1
check "body hash failure reported" grep -q "bad.eml: dkim=fail (body hash did not verify)" "$tmp/v2"
"$inkan" --json verify --keys "$tmp/keys" "$tmp/s.eml" >"$tmp/json"
check "json" /usr/bin/python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read())
assert [s["result"] for s in d["signatures"]] == ["pass", "pass"], d
assert d["signatures"][1]["a"] == "ed25519-sha256"
' "$tmp/json"
"$inkan" verify --keys "$tmp/keys" --authserv-id mx.example.net "$tmp/s.eml" >"$tmp/ar"
check "Authentication-Results field" grep -q "^Authentication-Results: mx.example.net;" "$tmp/ar"
"$inkan" verify --keys "$tmp/keys" "$tmp/m.eml" >"$tmp/none"
rc=$?
check "unsigned: exit 1" test $rc -eq 1
check "unsigned: dkim=none" grep -q "^dkim=none" "$tmp/none"
# r1 answers SERVFAIL, e1 does not exist: no pass, one temporary error
printf '$FAULT r1._domainkey.example.com TXT servfail\n' >"$tmp/fault"
"$inkan" --dns-zone "$tmp/fault" verify --dkim-only "$tmp/s.eml" >"$tmp/temp" 2>&1
rc=$?
check "SERVFAIL: exit 3 (temporary)" test $rc -eq 3
check "SERVFAIL: temperror" grep -q "^dkim=temperror (key unavailable)" "$tmp/temp"
check "no key: permerror" grep -q "^dkim=permerror (no key for signature)" "$tmp/temp"
printf 'To: x@example.net\n\nno author\n' >"$tmp/nofrom.eml"
"$inkan" sign --domain example.com --selector r1 --key "$tmp/r1.example.com.pem" \
	"$tmp/nofrom.eml" >/dev/null 2>&1
check "no From: sign refuses (exit 4)" test $? -eq 4

[ "$fails" -eq 0 ]
