#!/bin/sh
# arc.sh INKAN - `inkan arc seal` and `inkan arc verify` end to end on a
# zone file: a list (RSA) and a forwarder (Ed25519) seal in turn, the
# chain validates (first token arc=pass, one line per set), a change
# after sealing fails it (arc=fail, exit 1), a message without ARC is
# arc=none; --json; `inkan verify` shows the ARC line and arc= in its
# A-R; --trusted-sealer turns a DMARC reject into an accepted message.
set -u
inkan=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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

has() {		# has FILE TEXT
	grep -qF -- "$2" "$1" || { echo "# missing: $2"; sed 's/^/#   /' "$1"; \
		return 1; }
}

first() {	# first FILE TEXT: the first line starts with TEXT
	case "$(head -n 1 "$1")" in
	"$2"*) return 0 ;;
	*) echo "# first line: $(head -n 1 "$1")"; return 1 ;;
	esac
}

mkdir "$tmp/k"
# keygen prints the record; the zone takes it as it is
{
	echo '$ORIGIN example.com.'
	echo '@ TXT "v=spf1 ip4:192.0.2.0/24 -all"'
	echo '_dmarc TXT "v=DMARC1; p=reject"'
	echo '$ORIGIN list.example.'
	echo '@ TXT "v=spf1 ip4:198.51.100.0/24 -all"'
	"$inkan" keygen --selector a1 --domain example.com --out "$tmp/k" 2>/dev/null
	"$inkan" keygen --selector arc --domain list.example --out "$tmp/k" 2>/dev/null
	"$inkan" keygen --selector ed --domain fwd.example --type ed25519 \
		--out "$tmp/k" 2>/dev/null
} >"$tmp/zone"
z="--dns-zone $tmp/zone"

printf 'From: Shop <orders@example.com>\nTo: list@list.example\nSubject: hello\nDate: Tue, 25 Nov 2025 09:14:05 +0000\nMessage-ID: <1@example.com>\n\nhello list\n' >"$tmp/m0"
"$inkan" sign --domain example.com --selector a1 \
	--key "$tmp/k/a1.example.com.pem" "$tmp/m0" >"$tmp/m1"
check "signed" has "$tmp/m1" "DKIM-Signature:"

# the list: verifies on arrival (DMARC pass), records its A-R, adds a
# footer, then seals what it recorded (--use-authres)
"$inkan" verify $z --json --authserv-id list.example --ip 192.0.2.9 \
	--helo mail.example.com --mail-from orders@example.com "$tmp/m1" \
	>"$tmp/arrival.json"
check "list: DMARC pass on arrival" test $? -eq 0
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.stdout.write(d["authentication_results"] + "\n")
sys.stdout.write(open(sys.argv[2]).read())
sys.stdout.write("-- \nlist footer\n")
' "$tmp/arrival.json" "$tmp/m1" >"$tmp/m2"
"$inkan" arc seal $z --use-authres --authserv-id list.example \
	--domain list.example --selector arc \
	--key "$tmp/k/arc.list.example.pem" "$tmp/m2" >"$tmp/s1"
check "seal 1: exit 0" test $? -eq 0
check "seal 1: AS on top" first "$tmp/s1" "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=list.example; s=arc;"
check "seal 1: AAR records the arrival verdict" has "$tmp/s1" "ARC-Authentication-Results: i=1; list.example;"
check "seal 1: AAR says dmarc=pass" has "$tmp/s1" "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com"
"$inkan" arc seal $z --domain fwd.example --selector ed \
	--key "$tmp/k/ed.fwd.example.pem" "$tmp/s1" >"$tmp/s2"
check "seal 2: Ed25519, cv=pass" first "$tmp/s2" "ARC-Seal: i=2; a=ed25519-sha256; cv=pass; d=fwd.example; s=ed;"

"$inkan" arc verify $z "$tmp/s2" >"$tmp/v2"
check "verify: exit 0" test $? -eq 0
check "verify: arc=pass first" first "$tmp/v2" "arc=pass 2 sets, newest sealed by fwd.example, oldest-pass=0"
check "verify: set 1 line" has "$tmp/v2" "  i=1 d=list.example s=arc cv=none ams=pass seal=pass aar=list.example dmarc=pass remote-ip=192.0.2.9"
check "verify: set 2 line" has "$tmp/v2" "  i=2 d=fwd.example s=ed cv=pass ams=pass seal=pass"

"$inkan" arc verify $z "$tmp/m0" >"$tmp/v0"
check "no chain: exit 0" test $? -eq 0
check "no chain: arc=none" first "$tmp/v0" "arc=none no ARC sets"

printf 'P.S.\n' >>"$tmp/s2"
"$inkan" arc verify $z "$tmp/s2" >"$tmp/vf"
check "changed: exit 1" test $? -eq 1
check "changed: arc=fail with the reason" first "$tmp/vf" "arc=fail i=2 newest ARC-Message-Signature did not verify: body hash did not verify"

"$inkan" arc verify $z --json "$tmp/s1" >"$tmp/j1"
check "json" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["arc"]["result"] == "pass", d
assert d["arc"]["sets"][0]["d"] == "list.example"
assert d["arc"]["sets"][0]["remote_ip"] == "192.0.2.9"
' "$tmp/j1"

# the final receiver: DKIM broken by the footer, SPF is the list's
"$inkan" verify $z --ip 198.51.100.7 --helo mail.list.example \
	--mail-from bounce@list.example "$tmp/s1" >"$tmp/r1"
check "untrusted: rejected (exit 1)" test $? -eq 1
check "untrusted: dmarc=fail dis=REJECT" has "$tmp/r1" "dmarc=fail (p=REJECT sp=REJECT dis=REJECT)"
check "untrusted: ARC line" has "$tmp/r1" "ARC:   pass — 1 set, the newest sealed by list.example"
check "untrusted: arc= in the A-R" has "$tmp/r1" "arc=pass (i=1 spf=pass dkim=pass dmarc=pass) header.oldest-pass=0 smtp.remote-ip=198.51.100.7"

"$inkan" verify $z --ip 198.51.100.7 --helo mail.list.example \
	--mail-from bounce@list.example --trusted-sealer other.example \
	--trusted-sealer list.example "$tmp/s1" >"$tmp/r2"
check "trusted: accepted (exit 0)" test $? -eq 0
check "trusted: override in the A-R" has "$tmp/r2" "dmarc=fail (p=REJECT sp=REJECT dis=NONE) (local policy: trusted ARC sealer list.example) header.from=example.com"
check "trusted: the ARC note says so" has "$tmp/r2" "list.example is a trusted sealer and saw DMARC pass, so local policy accepts the DMARC failure"
"$inkan" verify $z --json --ip 198.51.100.7 --helo mail.list.example \
	--mail-from bounce@list.example --trusted-sealer list.example \
	"$tmp/s1" >"$tmp/r2.json"
check "trusted: json" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["dmarc"]["override"] == "local_policy", d["dmarc"]
assert d["dmarc"]["disposition"] == "none"
assert d["arc_trusted_sealer"] == "list.example"
assert d["arc_policy_comment"].startswith("arc=pass as[1].d=list.example as[1].s=arc")
assert d["arc"]["result"] == "pass"
' "$tmp/r2.json"

# a cv=fail chain: nothing more is added (RFC 8617 5.1 step 2)
sed 's/^ARC-Seal: i=1; a=rsa-sha256; cv=none;/ARC-Seal: i=1; a=rsa-sha256; cv=fail;/' "$tmp/s1" >"$tmp/cvfail"
"$inkan" arc seal $z --domain fwd.example --selector ed \
	--key "$tmp/k/ed.fwd.example.pem" "$tmp/cvfail" >"$tmp/s3" 2>"$tmp/s3.err"
check "cv=fail: exit 1" test $? -eq 1
check "cv=fail: message unchanged" cmp -s "$tmp/cvfail" "$tmp/s3"

"$inkan" arc frobnicate >/dev/null 2>&1
check "unknown subcommand: exit 2" test $? -eq 2
"$inkan" arc seal --domain x.example "$tmp/m0" >/dev/null 2>&1
check "seal without --key: exit 2" test $? -eq 2

echo "1..$(grep -c '^check ' "$0")"
[ "$fails" -eq 0 ]
