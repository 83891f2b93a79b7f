#!/bin/sh
# json.sh INKAN - every --json output goes through a real JSON parser
# (python3 json.loads, one document per line), unconditionally: each
# command's normal output, 8-bit and invalid-UTF-8 input (a Latin-1
# Subject, a TXT record "caf\233"), and every error path, which must give
# one {"error", "message", "exit"} object whose exit matches the status.
set -u
inkan=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state"

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

# jsonl FILE N [PYTHON-ASSERTION]: FILE holds exactly N JSON documents,
# one per line; the assertion sees them as `docs` (a list)
jsonl() {
	/usr/bin/python3 - "$@" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
cond = sys.argv[3] if len(sys.argv) > 3 else "True"
raw = open(path, "rb").read()
text = raw.decode("utf-8")          # strict: the output must be UTF-8
lines = text.split("\n")
assert lines[-1] == "", "no newline at the end"
docs = [json.loads(l) for l in lines[:-1]]
assert len(docs) == n, (len(docs), n)
assert all(isinstance(d, dict) for d in docs), docs
if not eval(cond):
    sys.exit("assertion failed: %s on %r" % (cond, docs))
PY
}

# jerr NAME EXIT CODE ARGS...: `inkan --json ARGS` fails with exit EXIT
# and one error object whose "error" is CODE
jerr() {
	name=$1 want=$2 code=$3
	shift 3
	"$inkan" --json "$@" >"$tmp/e.json" 2>"$tmp/e.err" </dev/null
	got=$?
	check "$name: exit $want" test "$got" -eq "$want"
	check "$name: one error object ($code)" jsonl "$tmp/e.json" 1 \
		"docs[0]['error'] == '$code' and docs[0]['exit'] == $want and docs[0]['message']"
}

# data: a Latin-1 Subject with an escape sequence, a zone with 8-bit TXT
printf 'From: Joe <joe@example.com>\nTo: b@example.net\nSubject: caf\351 \033[31mred\nDate: Thu, 3 Dec 2026 10:00:00 +0000\n\nhi\n' \
	>"$tmp/latin1.eml"
cat >"$tmp/8bit.zone" <<'Z'
$ORIGIN example.com.
@ 300 IN TXT "caf\233"
@ 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc 300 IN TXT "v=DMARC1; p=reject; rua=mailto:d\233@example.com"
x 300 IN TXT "\027[2J\007" "b\195\169"
Z

"$inkan" --json parse "$tmp/latin1.eml" >"$tmp/o.json"
check "parse latin-1: exit 0" test $? -eq 0
check "parse latin-1: valid JSON, bytes as U+FFFD" jsonl "$tmp/o.json" 1 \
	"[h['value'] for h in docs[0]['headers'] if h['name'] == 'Subject'] == ['caf\ufffd \x1b[31mred']"
"$inkan" parse "$tmp/latin1.eml" >"$tmp/o.txt"
check "parse text: no raw ESC or 8-bit byte" sh -c "! grep -q \"\$(printf '\\033')\" '$tmp/o.txt' && grep -q 'caf\\\\xE9 \\\\x1B\\[31mred' '$tmp/o.txt'"

"$inkan" --dns-zone "$tmp/8bit.zone" --json dns example.com TXT >"$tmp/o.json"
check "dns caf\\233: exit 0" test $? -eq 0
check "dns caf\\233: valid JSON" jsonl "$tmp/o.json" 1 \
	"'caf\ufffd' in [r['text'] for r in docs[0]['records']]"
"$inkan" --dns-zone "$tmp/8bit.zone" --json dns x.example.com >"$tmp/o.json"
check "dns control bytes and UTF-8: valid JSON" jsonl "$tmp/o.json" 1 \
	"docs[0]['records'][0]['strings'] == ['\x1b[2J\x07', 'b\u00e9']"
"$inkan" --dns-zone "$tmp/8bit.zone" --verbose dns x.example.com >"$tmp/o.txt"
check "dns text: no raw control byte" sh -c "! grep -q \"\$(printf '\\033\\|\\027\\|\\007')\" '$tmp/o.txt'"
"$inkan" --dns-zone "$tmp/8bit.zone" --json dns nx.example.com >"$tmp/o.json"
rc=$?
check "dns NXDOMAIN: exit 1, a document" test $rc -eq 1
check "dns NXDOMAIN: valid JSON, no error object" jsonl "$tmp/o.json" 1 \
	"docs[0]['outcome'] == 'nxdomain'"

"$inkan" --dns-zone "$tmp/8bit.zone" --json spf --ip 192.0.2.1 \
	--mail-from a@example.com >"$tmp/o.json"
check "spf: valid JSON" jsonl "$tmp/o.json" 1 "docs[0]['result'] == 'pass'"
"$inkan" --dns-zone "$tmp/8bit.zone" --json spf --lint example.com \
	>"$tmp/o.json"
check "spf --lint: valid JSON" jsonl "$tmp/o.json" 1
"$inkan" --dns-zone "$tmp/8bit.zone" --json dmarc example.com >"$tmp/o.json"
check "dmarc 8-bit rua: valid JSON" jsonl "$tmp/o.json" 1
"$inkan" --dns-zone "$tmp/8bit.zone" --json dmarc --message "$tmp/latin1.eml" \
	--spf fail --mail-from example.org >"$tmp/o.json"
check "dmarc evaluation: valid JSON" jsonl "$tmp/o.json" 1

# keygen, domain setup, sign (--key and --state), verify
"$inkan" --json keygen --type ed25519 --selector e1 --domain example.com \
	--out "$tmp" >"$tmp/o.json" 2>/dev/null
check "keygen: valid JSON" jsonl "$tmp/o.json" 1 \
	"docs[0]['record'].startswith('v=DKIM1; k=ed25519; p=')"
"$inkan" --json domain setup example.com --state "$tmp/st" \
	--mail-from-mx mx.example.com >"$tmp/o.json" 2>/dev/null
check "domain setup: valid JSON" jsonl "$tmp/o.json" 1 \
	"any(r['type'] == 'MX' for r in docs[0]['records'])"
"$inkan" domain setup example.com --state "$tmp/st" --format zone \
	>"$tmp/pub.zone" 2>/dev/null
"$inkan" --json sign --state "$tmp/st" "$tmp/latin1.eml" >"$tmp/o.json"
check "sign --state --json: valid JSON" jsonl "$tmp/o.json" 1 \
	"docs[0]['signatures'][0]['field'].startswith('DKIM-Signature:')"
"$inkan" sign --state "$tmp/st" "$tmp/latin1.eml" >"$tmp/signed.eml"
check "sign --state: signed with the ACTIVE key" \
	grep -q "^DKIM-Signature: .*d=example.com" "$tmp/signed.eml"
"$inkan" --dns-zone "$tmp/pub.zone" --json domain check example.com \
	--state "$tmp/st" >"$tmp/o.json"
rc=$?
check "domain check: errors are exit 1, not the usage code" test $rc -ne 2
check "domain check: valid JSON" jsonl "$tmp/o.json" 1
"$inkan" --dns-zone "$tmp/pub.zone" --json verify "$tmp/signed.eml" \
	>"$tmp/o.json"
check "verify signed 8-bit message: exit 0" test $? -eq 0
check "verify: valid JSON" jsonl "$tmp/o.json" 1 \
	"docs[0]['dmarc']['result'] == 'pass'"

"$inkan" --dns-zone "$tmp/pub.zone" --json domain selftest example.com \
	--state "$tmp/st" --ip 192.0.2.1 >"$tmp/o.json"
check "domain selftest: valid JSON" jsonl "$tmp/o.json" 1 \
	"'passed' in docs[0] and 'dkim' in docs[0]"
jerr "domain selftest without DOMAIN" 2 missing-argument domain selftest

# JSON Lines: one document per message, an unreadable one included
"$inkan" --dns-zone "$tmp/pub.zone" --json verify "$tmp/signed.eml" \
	"$tmp/missing.eml" "$tmp/latin1.eml" >"$tmp/o.json"
check "verify 3 messages, one missing: exit 4" test $? -eq 4
check "verify: 3 JSON lines, the missing one with its error" \
	jsonl "$tmp/o.json" 3 \
	"docs[1]['error'] == 'input' and docs[1]['file'].endswith('missing.eml') and docs[1]['exit'] == 4 and 'dmarc' in docs[2]"
"$inkan" --dns-zone "$tmp/pub.zone" --json verify --dkim-only \
	"$tmp/signed.eml" "$tmp/missing.eml" >"$tmp/o.json"
check "verify --dkim-only: 2 JSON lines" jsonl "$tmp/o.json" 2 \
	"docs[0]['signatures'][0]['result'] == 'pass' and docs[1]['error'] == 'input'"

# every error path: one error object, the right exit
jerr "unknown command" 2 unknown-command frobnicate
jerr "no command" 2 missing-argument
jerr "unknown option" 2 unknown-option verify --frobnicate
jerr "unknown global-position option" 2 unknown-option --frobnicate parse
jerr "missing value" 2 missing-value sign --key
jerr "missing global value" 2 missing-value parse --dns-zone
jerr "flag given a value" 2 bad-value verify --dkim-only=yes
jerr "--lifetime -1" 2 bad-number sign --lifetime -1 --state "$tmp/st"
jerr "--lifetime overflow" 2 bad-number sign --lifetime 99999999999999999999999
jerr "--lifetime junk" 2 bad-number sign --lifetime 10s
jerr "--lifetime +5" 2 bad-number sign --lifetime +5
jerr "--lifetime ' 5'" 2 bad-number sign --lifetime " 5"
jerr "--lifetime ''" 2 bad-number sign --lifetime ""
jerr "--lifetime 0" 2 bad-number sign --lifetime 0
jerr "--bits out of range" 2 bad-number keygen --bits 9000 --selector s --domain d
jerr "--timeout 0" 2 bad-number dns --timeout 0 example.com
jerr "--wait negative" 2 bad-number domain publish example.com --wait -5
jerr "bad choice" 2 bad-value keygen --type dsa --selector s --domain d
jerr "keygen without selector" 2 missing-option keygen --domain d
jerr "spf without ip" 2 missing-option spf --mail-from a@b.example
jerr "dmarc bad --spf" 2 bad-value dmarc --from example.com --spf maybe
jerr "dns without a name" 2 missing-argument dns
jerr "domain without sub" 2 missing-argument domain
jerr "domain unknown sub" 2 unknown-command domain frob x
jerr "parse bad --mbox-format" 2 bad-value parse --mbox-format x a
jerr "parse missing file" 4 input parse "$tmp/missing.eml"
jerr "parse malformed" 4 malformed parse "$tmp/8bit.zone"
jerr "sign missing file" 4 input sign --state "$tmp/st" "$tmp/missing.eml"
jerr "sign without keys" 2 missing-option sign "$tmp/latin1.eml"
jerr "sign missing key file" 4 input sign -d example.com -s s -k "$tmp/nokey"
jerr "sign empty state" 4 no-keys sign --state "$tmp/empty"
jerr "verify --keys missing" 4 input verify --keys "$tmp/nokeys" "$tmp/latin1.eml"
jerr "bad zone file" 4 input --dns-zone "$tmp/latin1.eml" dns example.com
jerr "check missing state" 4 input domain check example.com --state "$tmp/none"

# sign on hostile messages: a clear error naming the limit and option
/usr/bin/python3 -c '
import sys
d = sys.argv[1]
open(d + "/many.eml", "w").write("From: a@example.com\n" +
    "".join("X-H%d: v\n" % i for i in range(5000)) + "\nbody\n")
open(d + "/big.eml", "w").write("From: a@example.com\nX-Big: " +
    "a" * 100000 + "\n\nbody\n")
open(d + "/garbage.bin", "wb").write(bytes(range(256)) * 4)
' "$tmp"
jerr "sign 5,000 fields" 4 limit sign --state "$tmp/st" "$tmp/many.eml"
check "  ... names --max-header-fields" grep -q -- "--max-header-fields" "$tmp/e.json"
jerr "sign 100 KB field" 4 limit sign --state "$tmp/st" "$tmp/big.eml"
check "  ... names --max-header-line" grep -q -- "--max-header-line" "$tmp/e.json"
jerr "sign binary garbage" 4 malformed sign --state "$tmp/st" "$tmp/garbage.bin"
"$inkan" sign --state "$tmp/st" "$tmp/many.eml" >/dev/null 2>"$tmp/e.err"
check "sign 5,000 fields, text: the error on stderr" \
	grep -q "more than 1000 header fields.*--max-header-fields" "$tmp/e.err"
"$inkan" sign --state "$tmp/st" --max-header-fields 6000 "$tmp/many.eml" \
	>"$tmp/o.eml"
check "sign 5,000 fields with the limit raised: exit 0" test $? -eq 0

exit $((fails > 0))
