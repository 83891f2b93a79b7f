#!/bin/sh
# verify.sh INKAN DEMO - `inkan verify` in full mode end to end: the demo
# (scripts/demo: keygen, zone, sign, verify: spf=pass dkim=pass
# dmarc=pass), then failures whose summary lines must say why and what to
# fix (softfail IP, body modified, unaligned provider MAIL FROM, no DMARC
# record, DNS failure at _dmarc), JSON, exit codes 0/1/2/3/4.
set -u
inkan=$1
demo=$2
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the summary uses an em dash in a UTF-8 locale
LC_ALL=C.UTF-8
export LC_ALL

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

has() {		# has FILE TEXT: TEXT is a fixed string found in FILE
	grep -qF -- "$2" "$1" || { echo "# missing: $2"; sed 's/^/#   /' "$1"; \
		return 1; }
}

# ---- 1. the demo -----------------------------------------------------
"$demo" "$inkan" >"$tmp/demo" 2>&1
check "demo: exit 0" test $? -eq 0
check "demo: spf=pass" has "$tmp/demo" "spf=pass (mx.example.net: domain of bounce@bounce.example.com designates 192.0.2.25 as permitted sender) smtp.mailfrom=bounce@bounce.example.com"
check "demo: two dkim=pass" test "$(grep -c '^ *dkim=pass header.i=@example.com' "$tmp/demo")" -eq 2
check "demo: dmarc=pass" has "$tmp/demo" "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com"
check "demo: SPF summary" has "$tmp/demo" "SPF:   pass — bounce.example.com designates 192.0.2.25 as a permitted sender"
check "demo: DKIM summary, RSA" has "$tmp/demo" "DKIM:  pass — signed by example.com, selector rsa2048 (rsa-sha256, 2048-bit key)"
check "demo: DKIM summary, Ed25519" has "$tmp/demo" "DKIM:  pass — signed by example.com, selector ed25519 (ed25519-sha256)"
check "demo: DMARC summary" has "$tmp/demo" "DMARC: pass — example.com (p=reject)"
check "demo: no problem reported" sh -c "! grep -q '; ' '$tmp/demo' || ! grep -E '^(SPF|DKIM|DMARC):' '$tmp/demo' | grep -q '; '"

# ---- 2. a domain of our own ------------------------------------------
"$inkan" keygen --type rsa --selector rsa --domain example.com \
	--out "$tmp" >"$tmp/keys.txt" 2>/dev/null
cat >"$tmp/zone" <<'ZONE'
$ORIGIN example.com.
mail     A   192.0.2.25
bounce   TXT "v=spf1 ip4:192.0.2.0/26 ~all"
_dmarc   TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"
$ORIGIN esp.example.
bounce   TXT "v=spf1 ip4:198.51.100.0/24 ~all"
$ORIGIN nodmarc.example.
@        TXT "v=spf1 ip4:192.0.2.0/24 -all"
ZONE
cat "$tmp/keys.txt" >>"$tmp/zone"
printf '$FAULT _dmarc.example.com. TXT servfail\n' >"$tmp/fault"
cat "$tmp/zone" "$tmp/fault" >"$tmp/zone-fault"
printf 'From: Shop <orders@example.com>\nTo: a@example.net\nSubject: hi\n\nHello.\n' \
	>"$tmp/m.eml"
sed 's/example.com>/nodmarc.example>/' "$tmp/m.eml" >"$tmp/nd.eml"
"$inkan" sign --domain example.com --selector rsa \
	--key "$tmp/rsa.example.com.pem" "$tmp/m.eml" >"$tmp/s.eml"
check "sign: exit 0" test $? -eq 0
printf -- '--\nlist footer\n' | cat "$tmp/s.eml" - >"$tmp/footer.eml"
z="--dns-zone $tmp/zone"
own="--helo mail.example.com --mail-from bounce@bounce.example.com"
esp="--ip 198.51.100.9 --helo out.esp.example --mail-from bounce@bounce.esp.example"

# softfail: the client is outside the record; DKIM still aligns
"$inkan" $z verify --ip 192.0.2.200 $own "$tmp/s.eml" >"$tmp/out" 2>&1
check "softfail: exit 0 (DMARC passes on DKIM)" test $? -eq 0
check "softfail: why and fix" has "$tmp/out" "SPF:   softfail — 192.0.2.200 is not in the SPF record of bounce.example.com; add it, or include your provider's SPF"
check "softfail: header" has "$tmp/out" "spf=softfail"

# body modified after signing, own MAIL FROM: SPF carries DMARC
"$inkan" $z verify --ip 192.0.2.25 $own "$tmp/footer.eml" >"$tmp/out" 2>&1
check "body modified: exit 0 (DMARC passes on SPF)" test $? -eq 0
check "body modified: why" has "$tmp/out" "DKIM:  fail (body hash did not verify) — example.com, selector rsa: the message was changed after signing (a footer added by a list?)"
check "body modified: header" has "$tmp/out" "dkim=fail reason=\"body hash did not verify\""

# body modified and sent through a provider's MAIL FROM: DMARC fails
"$inkan" $z verify $esp "$tmp/footer.eml" >"$tmp/out" 2>&1
check "modified via provider: exit 1" test $? -eq 1
check "modified via provider: DMARC why and fix" has "$tmp/out" "DMARC: fail — example.com (p=reject): neither SPF (bounce.esp.example is not aligned with example.com) nor DKIM (the signature from d=example.com did not pass) aligned; repair the signature from d=example.com (see its DKIM line) or use a custom MAIL FROM under example.com"
check "modified via provider: dis=REJECT" has "$tmp/out" "dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=example.com"

# unsigned through the provider: the two ways to align
"$inkan" $z verify $esp "$tmp/m.eml" >"$tmp/out" 2>&1
check "unaligned provider: exit 1" test $? -eq 1
check "unaligned provider: DMARC why and fix" has "$tmp/out" "DMARC: fail — example.com (p=reject): neither SPF (bounce.esp.example is not aligned with example.com) nor DKIM (no signature) aligned; sign with d=example.com or use a custom MAIL FROM under example.com"
check "unaligned provider: DKIM none" has "$tmp/out" "DKIM:  none — the message has no DKIM signature; sign outgoing mail with DKIM, with d=example.com"
check "unaligned provider: SPF itself passes" has "$tmp/out" "SPF:   pass — bounce.esp.example designates 198.51.100.9"

# no DMARC record: nothing failed, exit 0, and how to publish one
"$inkan" $z verify --ip 192.0.2.25 --helo mail.example.com \
	--mail-from x@nodmarc.example "$tmp/nd.eml" >"$tmp/out" 2>&1
check "no DMARC record: exit 0" test $? -eq 0
check "no DMARC record: why and fix" has "$tmp/out" "DMARC: none — nodmarc.example: no DMARC record applies to nodmarc.example; publish a record at _dmarc.nodmarc.example"
"$inkan" $z verify --ip 10.9.9.9 --helo mail.example.com \
	--mail-from x@nodmarc.example "$tmp/nd.eml" >"$tmp/out" 2>&1
check "no DMARC record, SPF fail: exit 1" test $? -eq 1
check "SPF fail: why" has "$tmp/out" "SPF:   fail — 10.9.9.9 is not allowed to send for nodmarc.example"

# the DMARC lookup fails: temperror, exit 3
"$inkan" --dns-zone "$tmp/zone-fault" verify --ip 192.0.2.25 $own \
	"$tmp/s.eml" >"$tmp/out" 2>&1
check "DMARC SERVFAIL: exit 3" test $? -eq 3
check "DMARC SERVFAIL: try again" has "$tmp/out" "DMARC: temperror — example.com: DNS failure while looking for the DMARC record of example.com; try again later"

# no client IP (--full): no SPF, said so
"$inkan" $z verify --full "$tmp/s.eml" >"$tmp/out" 2>&1
check "no IP: exit 0" test $? -eq 0
check "no IP: SPF not checked" has "$tmp/out" "SPF:   none (not checked) — no client IP was given, so SPF was not checked"
check "no IP: header says so" has "$tmp/out" "spf=none (not checked: no client IP given)"

# JSON: the whole result
"$inkan" $z --json verify $esp "$tmp/footer.eml" >"$tmp/json"
check "json: exit 1" test $? -eq 1
check "json" /usr/bin/python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["verdict"] == "fail" and d["exit"] == 1, d
assert d["envelope"]["client_ip"] == "198.51.100.9"
assert d["spf"]["result"] == "pass" and d["spf"]["domain"] == "bounce.esp.example"
assert [s["result"] for s in d["signatures"]] == ["fail"]
assert d["signatures"][0]["reason"] == "body hash did not verify"
assert d["dmarc"]["result"] == "fail" and d["dmarc"]["disposition"] == "reject"
assert d["dmarc"]["spf_alignment"] == "not-aligned"
assert [n["method"] for n in d["summary"]] == ["spf", "dkim", "arc", "dmarc"]
assert d["summary"][3]["fix"].startswith("repair the signature")
assert d["authentication_results"].startswith("Authentication-Results: inkan.localhost;")
' "$tmp/json"

# several files: the worst exit wins; usage and input errors
"$inkan" $z verify --ip 192.0.2.25 $own "$tmp/s.eml" "$tmp/footer.eml" \
	>"$tmp/out" 2>&1
check "two files, both pass: exit 0" test $? -eq 0
check "two files: a heading each" test "$(grep -c '^== ' "$tmp/out")" -eq 2
"$inkan" $z verify $esp "$tmp/s.eml" "$tmp/m.eml" >/dev/null 2>&1
check "two files, one fails: exit 1" test $? -eq 1
"$inkan" $z verify --ip 192.0.2.25 $own "$tmp/nonexistent.eml" >/dev/null 2>&1
check "unreadable file: exit 4" test $? -eq 4
"$inkan" $z verify --ip 192.0.2.999 $own "$tmp/s.eml" >/dev/null 2>&1
check "bad --ip: exit 2" test $? -eq 2
"$inkan" $z verify --authserv-id mx.test --ip 192.0.2.25 $own \
	"$tmp/s.eml" >"$tmp/out" 2>&1
check "--authserv-id" has "$tmp/out" "Authentication-Results: mx.test;"
check "SPF comment names the receiver" has "$tmp/out" "spf=pass (mx.test: domain of"

# no envelope option: still the full verdict, with SPF not checked
"$inkan" $z verify "$tmp/s.eml" >"$tmp/out" 2>&1
check "no envelope: exit 0 (DMARC passes on DKIM)" test $? -eq 0
check "no envelope: DMARC summary" grep -q '^DMARC: *pass' "$tmp/out"
check "no envelope: SPF not checked" has "$tmp/out" "spf=none"

# --dkim-only: one line per signature, no summary
"$inkan" $z verify --dkim-only "$tmp/s.eml" >"$tmp/out" 2>&1
check "DKIM only: exit 0" test $? -eq 0
check "DKIM only: one line" has "$tmp/out" "dkim=pass header.i=@example.com header.s=rsa"
check "DKIM only: no summary" sh -c "! grep -q '^DMARC:' '$tmp/out'"

[ "$fails" -eq 0 ]
