#!/bin/sh
# frame.sh INKAN - the CLI frame (cmd/inkan/cli_opt.c): each command's one
# option table drives parsing, --help and completion; usage errors name
# what was wrong without dumping the usage; numbers are range-checked; no
# fixed caps on arguments, zones, keys, selectors, --dkim or --list lines;
# the DKIM signature cap is said out loud.
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

# --help and `completion --words` list the same options, for every
# command and subcommand (both come from the table)
for cmd in parse dns spf dmarc sign verify keygen completion \
    "domain setup" "domain check" "domain publish" "domain rotate"; do
	# shellcheck disable=SC2086
	"$inkan" $cmd --help >"$tmp/help" 2>&1
	rc=$?
	# shellcheck disable=SC2086
	"$inkan" completion --words $cmd >"$tmp/words"
	grep -o -- '--[a-z0-9-]*' "$tmp/help" | sort -u >"$tmp/h"
	grep -- '^--' "$tmp/words" | sort -u >"$tmp/w"
	check "$cmd: --help exit 0" test $rc -eq 0
	check "$cmd: --help and completion agree" cmp -s "$tmp/h" "$tmp/w"
	check "$cmd: options listed" test "$(wc -l <"$tmp/w")" -gt 6
done
"$inkan" completion --words domain >"$tmp/words"
check "completion lists domain's subcommands" grep -qx check "$tmp/words"
"$inkan" completion --words >"$tmp/words"
check "completion lists the commands" grep -qx verify "$tmp/words"
"$inkan" completion >"$tmp/bash"
check "completion prints a bash function" bash -n "$tmp/bash"
bindir=$(cd "$(dirname "$inkan")" && pwd)
got=$(PATH="$bindir:$PATH" bash -c '. "$1"; COMP_WORDS=(inkan domain check --s)
	COMP_CWORD=3; _inkan; echo "${COMPREPLY[*]}"' sh "$tmp/bash")
check "bash completion completes domain check --s" \
	test "$got" = "--selector --state"

# usage errors: one line naming the problem, no usage dump, exit 2
"$inkan" verify --frobnicate x >"$tmp/out" 2>"$tmp/err"
rc=$?
check "unknown option: exit 2" test $rc -eq 2
check "unknown option: named" grep -q "unknown option '--frobnicate'" "$tmp/err"
check "unknown option: one line, no usage" test "$(wc -l <"$tmp/err")" -eq 1
check "unknown option: nothing on stdout" test ! -s "$tmp/out"
"$inkan" sign --domain example.com --selector s --key >/dev/null 2>"$tmp/err"
check "missing value: named" grep -q -- "--key needs a value (FILE)" "$tmp/err"
"$inkan" sign --lifetime -1 --domain example.com --selector s --key k \
	</dev/null >/dev/null 2>"$tmp/err"
rc=$?
check "--lifetime -1: usage error" test $rc -eq 2
check "--lifetime -1: says why" grep -q -- "--lifetime: '-1' is not a whole number" "$tmp/err"
"$inkan" sign --lifetime=1e3 </dev/null >/dev/null 2>"$tmp/err"
check "--lifetime=1e3: refused" grep -q -- "'1e3' is not a whole number" "$tmp/err"
"$inkan" -v --json --version >"$tmp/out"
check "--version anywhere" grep -q "^inkan " "$tmp/out"
"$inkan" dns --timeout 5000 -- -weird.example 2>/dev/null >/dev/null
check "-- ends options (the name is an operand)" test $? -ne 2

# the global options work on either side of the command
printf 'From: a@example.com\n\nhi\n' >"$tmp/m.eml"
"$inkan" parse "$tmp/m.eml" --json >"$tmp/a.json"
"$inkan" --json parse "$tmp/m.eml" >"$tmp/b.json"
check "--json after the command" cmp -s "$tmp/a.json" "$tmp/b.json"

# no fixed caps: 5,000 files, 40 zones, 20 --dkim, 20 selectors, 12 keys
i=0
while [ $i -lt 5000 ]; do
	echo "$tmp/m.eml"
	i=$((i + 1))
done >"$tmp/list"
# shellcheck disable=SC2046
"$inkan" --dns-zone /dev/null verify --dkim-only $(cat "$tmp/list") \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
check "verify 5,000 file arguments: runs (exit 1: unsigned)" test $rc -eq 1
check "verify 5,000 file arguments: 5,000 lines" \
	test "$(grep -c ': dkim=none$' "$tmp/out")" -eq 5000
# shellcheck disable=SC2046
"$inkan" --dns-zone /dev/null --json verify --dkim-only $(cat "$tmp/list") \
	>"$tmp/out"
check "verify --json 5,000 files: 5,000 JSON lines" /usr/bin/python3 -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert len(docs) == 5000 and all(d["signatures"] == [] for d in docs)
' "$tmp/out"

# a --list line of 5,000 bytes is one path, not two
/usr/bin/python3 -c 'print("/" + "x" * 5000)' >"$tmp/longlist"
"$inkan" --json --dns-zone /dev/null verify --dkim-only --list "$tmp/longlist" \
	>"$tmp/out" 2>"$tmp/err"
check "--list line of 5,000 bytes: one message (one JSON line)" \
	test "$(wc -l <"$tmp/out")" -eq 1
check "--list line of 5,000 bytes: the whole path in the error" \
	grep -q "x\{5000\}" "$tmp/out"

zones=""
i=0
while [ $i -lt 40 ]; do
	printf '$ORIGIN z%d.example.\n@ 300 IN TXT "zone %d"\n' $i $i \
		>"$tmp/z$i.zone"
	zones="$zones --dns-zone $tmp/z$i.zone"
	i=$((i + 1))
done
# shellcheck disable=SC2086
"$inkan" $zones dns z39.example >"$tmp/out"
check "40 --dns-zone files" grep -q '"zone 39"' "$tmp/out"

dkims=""
i=0
while [ $i -lt 20 ]; do
	dkims="$dkims --dkim fail:d$i.example"
	i=$((i + 1))
done
# shellcheck disable=SC2086
"$inkan" --dns-zone /dev/null --json dmarc --from example.com $dkims \
	>"$tmp/out"
check "20 --dkim results over the cap: the limit and its option named" \
	grep -q '"error":"limit".*more than 10 --dkim.*--max-signatures' "$tmp/out"
# shellcheck disable=SC2086
printf '$ORIGIN example.com.\n_dmarc 300 IN TXT "v=DMARC1; p=reject"\n' \
	>"$tmp/dmarc.zone"
# shellcheck disable=SC2086
"$inkan" --dns-zone "$tmp/dmarc.zone" --json dmarc --from example.com $dkims \
	--max-signatures 20 >"$tmp/out"
check "20 --dkim results with --max-signatures 20" /usr/bin/python3 -c '
import json, sys
assert len(json.load(open(sys.argv[1]))["verdict"]["dkim"]) == 20
' "$tmp/out"

sels=""
i=0
while [ $i -lt 20 ]; do
	sels="$sels --selector s$i"
	i=$((i + 1))
done
# shellcheck disable=SC2086
"$inkan" --dns-zone /dev/null --json domain check example.com --no-state \
	$sels --ip 192.0.2.1 --ip 192.0.2.2 >"$tmp/out"
check "20 --selector in domain check" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert sum(1 for it in d["items"] if it["area"] == "DKIM") >= 20, d["items"]
' "$tmp/out"

keys=""
i=0
while [ $i -lt 12 ]; do
	"$inkan" keygen --type ed25519 --selector k$i --domain example.com \
		--out "$tmp" >>"$tmp/keys.zone" 2>/dev/null
	keys="$keys --selector k$i --key $tmp/k$i.example.com.pem"
	i=$((i + 1))
done
# shellcheck disable=SC2086
"$inkan" sign --domain example.com $keys "$tmp/m.eml" >"$tmp/s.eml"
check "12 signing keys" test "$(grep -c '^DKIM-Signature:' "$tmp/s.eml")" -eq 12

# RFC 6376 6.1 lets a verifier cap the signatures; inkan says it did
"$inkan" --dns-zone "$tmp/keys.zone" verify --dkim-only "$tmp/s.eml" \
	>"$tmp/out"
check "12 signatures: 10 evaluated" test "$(grep -c '^dkim=pass' "$tmp/out")" -eq 10
check "12 signatures: the 2 others are mentioned" \
	grep -q "note: 2 more DKIM-Signature fields not evaluated: at most 10.*--max-signatures" "$tmp/out"
"$inkan" --dns-zone "$tmp/keys.zone" verify "$tmp/s.eml" >"$tmp/out"
check "12 signatures, full verdict: mentioned too" \
	grep -q "note: 2 more DKIM-Signature fields" "$tmp/out"
"$inkan" --dns-zone "$tmp/keys.zone" verify --dkim-only --max-signatures 12 \
	"$tmp/s.eml" >"$tmp/out"
check "--max-signatures 12: all evaluated" \
	test "$(grep -c '^dkim=pass' "$tmp/out")" -eq 12

exit $((fails > 0))
