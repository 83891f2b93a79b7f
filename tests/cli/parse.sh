#!/bin/sh
# parse.sh INKAN SAMPLE - the `inkan parse` command end to end: what README
# command (a) shows, JSON output, exit codes for From problems and for
# malformed input.
set -u
inkan=$1
sample=$2
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

"$inkan" parse "$sample" >"$tmp/out" 2>&1
check "sample parses, exit 0" test $? -eq 0
check "author domain is the A-label" \
	grep -q "author domain: xn--bcher-kva.example" "$tmp/out"
check "display name decoded (RFC 2047)" grep -q 'Jörg Müller' "$tmp/out"
check "A-R header built" grep -q "^Authentication-Results: inkan.localhost;" \
	"$tmp/out"

"$inkan" --json parse "$sample" >"$tmp/json"
check "json is valid" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["author_domains"] == ["xn--bcher-kva.example"], d
assert d["dmarc_usable"] is True
assert len(d["headers"]) == 10
' "$tmp/json"

printf 'From: a@x.example\nFrom: b@y.example\n\nhi\n' >"$tmp/two.eml"
"$inkan" parse "$tmp/two.eml" >"$tmp/out" 2>&1
check "two From fields: exit 1" test $? -eq 1
check "two From fields: warned" grep -q "more than one From field" "$tmp/out"

printf 'From: user@example.net>\n\nhi\n' | "$inkan" parse - >"$tmp/out" 2>&1
check "unparseable From: exit 1" test $? -eq 1
check "unparseable From: warned" grep -q "cannot be parsed" "$tmp/out"

printf 'not a header\n\n' | "$inkan" parse >"$tmp/out" 2>&1
check "malformed header: exit 4" test $? -eq 4

"$inkan" parse "$tmp/missing.eml" >"$tmp/out" 2>&1
check "missing file: exit 4" test $? -eq 4

"$inkan" parse --no-such-option >"$tmp/out" 2>&1
check "bad option: exit 2" test $? -eq 2
"$inkan" frobnicate >"$tmp/out" 2>&1
check "unknown command: exit 2" test $? -eq 2
"$inkan" parse --help >"$tmp/out" 2>&1
check "--help: exit 0" test $? -eq 0
"$inkan" --version | grep -q '^inkan [0-9]'
check "--version" test $? -eq 0

[ "$fails" -eq 0 ]
