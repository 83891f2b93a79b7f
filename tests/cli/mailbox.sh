#!/bin/sh
# mailbox.sh INKAN - mail-folder input end to end: three messages signed
# with `inkan sign` (one with body lines an mbox writer must quote), put
# in an mboxrd file (LF and CRLF), a Maildir (cur/ and new/) and stdin;
# each message's verdict must match the verdict of the message file on
# its own; --json must be valid JSON Lines, one document per message,
# a missing file included; a header over the limits still gets its
# Authentication-Results; mboxo reading keeps the quoting (and so breaks
# the signature: why mboxrd is the default).
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

has() {		# has FILE TEXT: TEXT is a fixed string found in FILE
	grep -qF -- "$2" "$1" || { echo "# missing: $2"; sed 's/^/#   /' "$1"; \
		return 1; }
}

# ---- a domain and three signed messages --------------------------------
"$inkan" keygen --type ed25519 --selector mb --domain example.com \
	--out "$tmp" >"$tmp/keys.txt" 2>/dev/null
{
	echo '$ORIGIN example.com.'
	echo '_dmarc TXT "v=DMARC1; p=reject"'
	cat "$tmp/keys.txt"
} >"$tmp/zone"
z="--dns-zone $tmp/zone"
for i in 1 2 3; do
	{
		printf 'From: Shop <orders@example.com>\nTo: a@example.net\n'
		printf 'Subject: message %s\n\nHello %s.\n\n' "$i" "$i"
		# lines an mbox writer quotes: mboxrd adds one ">" to each
		[ "$i" = 2 ] && printf 'From here on, a body line.\n>From a reply.\n'
		printf 'Bye.\n'
	} >"$tmp/m$i.eml"
	"$inkan" sign --domain example.com --selector mb \
		--key "$tmp/mb.example.com.pem" "$tmp/m$i.eml" >"$tmp/s$i.eml"
	check "sign message $i" test $? -eq 0
done

# mboxrd: a From_ line, ">" before every ^>*From , an empty line after
python3 - "$tmp" <<'EOF'
import re, sys
d = sys.argv[1]
for name, eol in (("box.mbox", "\n"), ("crlf.mbox", "\r\n")):
    with open(f"{d}/{name}", "w", newline="") as out:
        for i in (1, 2, 3):
            out.write("From orders@example.com Thu Dec  3 10:00:0%d 2026%s"
                      % (i, eol))
            for line in open(f"{d}/s{i}.eml").read().splitlines():
                if re.match(r">*From ", line):
                    line = ">" + line
                out.write(line + eol)
            out.write(eol)
EOF
check "mbox: the body From line is quoted" has "$tmp/box.mbox" ">From here on"
check "mbox: the quoted line is quoted again" has "$tmp/box.mbox" ">>From a reply"

# ---- each message alone: the reference verdicts -------------------------
for i in 1 2 3; do
	"$inkan" $z --json verify "$tmp/s$i.eml" >"$tmp/one$i.json"
	check "message $i alone: exit 0" test $? -eq 0
done

# the verdict of a JSON document, without where it came from
cat >"$tmp/same.py" <<'EOF'
import json, sys
def verdict(d):
    return {k: v for k, v in d.items() if k not in ("file", "index", "offset")}
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
docs = [json.loads(l) for l in lines]          # JSON Lines: each line parses
want = [json.loads(open(p).read()) for p in sys.argv[2:]]
assert len(docs) == len(want), (len(docs), len(want))
for got, ref in zip(docs, want):
    assert verdict(got) == verdict(ref), (got, ref)
    assert got["verdict"] == "pass" and got["dmarc"]["result"] == "pass", got
    assert [s["result"] for s in got["signatures"]] == ["pass"], got
EOF
one="$tmp/one1.json $tmp/one2.json $tmp/one3.json"

# ---- the mbox ---------------------------------------------------------
"$inkan" $z verify "$tmp/box.mbox" >"$tmp/out" 2>&1
check "mbox: exit 0" test $? -eq 0
check "mbox: three verdicts" test "$(grep -c '^== ' "$tmp/out")" -eq 3
check "mbox: three dmarc=pass" test "$(grep -c '^ *dmarc=pass' "$tmp/out")" -eq 3
check "mbox: messages named" has "$tmp/out" "== $tmp/box.mbox, message 2"
check "mbox: summary" has "$tmp/out" "3 messages: 3 dmarc=pass"
"$inkan" $z --json verify "$tmp/box.mbox" >"$tmp/box.json"
check "mbox --json: the verdicts of the messages alone" \
	python3 "$tmp/same.py" "$tmp/box.json" $one
python3 - "$tmp/box.json" "$tmp/box.mbox" <<'EOF'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
data = open(sys.argv[2], "rb").read()
assert [d["index"] for d in docs] == [1, 2, 3]
for d in docs:
    # the offset is where the message's From_ line starts
    assert data[d["offset"]:d["offset"] + 5] == b"From ", d["offset"]
EOF
check "mbox --json: index and offset of each message" test $? -eq 0

"$inkan" $z --json verify "$tmp/crlf.mbox" >"$tmp/crlf.json"
check "CRLF mbox: the same verdicts" \
	python3 "$tmp/same.py" "$tmp/crlf.json" $one

"$inkan" $z --json verify - <"$tmp/box.mbox" >"$tmp/stdin.json"
check "mbox on stdin (-): the same verdicts" \
	python3 "$tmp/same.py" "$tmp/stdin.json" $one

"$inkan" $z verify --dkim-only "$tmp/box.mbox" >"$tmp/out" 2>&1
check "mbox, DKIM only: three passes" \
	test "$(grep -c 'message [123]: dkim=pass' "$tmp/out")" -eq 3
check "mbox, DKIM only: summary" has "$tmp/out" "3 messages: 3 dkim=pass"

# mboxo: nothing is unquoted, so the message with quoted lines fails
"$inkan" $z verify --mbox-format mboxo "$tmp/box.mbox" >"$tmp/out" 2>&1
check "mboxo: exit 1" test $? -eq 1
check "mboxo: message 2 fails, the others pass" \
	has "$tmp/out" "3 messages: 2 dmarc=pass, 1 dmarc=fail"
"$inkan" verify --mbox-format mbox "$tmp/box.mbox" >"$tmp/out" 2>&1
check "bad --mbox-format: usage error" test $? -eq 2
check "bad --mbox-format: named" has "$tmp/out" "--mbox-format mbox"

# ---- a Maildir ---------------------------------------------------------
mkdir -p "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp"
cp "$tmp/s1.eml" "$tmp/md/cur/1000.a:2,S"
cp "$tmp/s2.eml" "$tmp/md/cur/1001.b:2,"
cp "$tmp/s3.eml" "$tmp/md/new/1002.c"
cp "$tmp/m1.eml" "$tmp/md/tmp/1003.d"	# still being delivered: not read
"$inkan" $z verify "$tmp/md" >"$tmp/out" 2>&1
check "Maildir: exit 0" test $? -eq 0
check "Maildir: one verdict per file" test "$(grep -c '^== ' "$tmp/out")" -eq 3
check "Maildir: summary" has "$tmp/out" "3 messages: 3 dmarc=pass"
"$inkan" $z --json verify "$tmp/md" >"$tmp/md.json"
check "Maildir --json: the verdicts of the messages alone, in order" \
	python3 "$tmp/same.py" "$tmp/md.json" $one
"$inkan" $z --json verify "$tmp/md/new" >"$tmp/new.json"
check "Maildir new/ alone" python3 "$tmp/same.py" "$tmp/new.json" \
	"$tmp/one3.json"

# ---- JSON Lines with errors, and the summary of a mixed run ------------
python3 -c 'import sys
sys.stdout.write("From: a@example.com\n")
for i in range(5000): sys.stdout.write("X-Field-%d: v\n" % i)
sys.stdout.write("\nbody\n")' >"$tmp/many.eml"
: >"$tmp/empty"
"$inkan" $z --json verify "$tmp/box.mbox" "$tmp/missing.mbox" "$tmp/md" \
	"$tmp/many.eml" "$tmp/empty" >"$tmp/all.json" 2>"$tmp/err"
check "mixed --json: exit 4 (unreadable input)" test $? -eq 4
python3 - "$tmp/all.json" <<'EOF'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1], "rb").read().decode().splitlines()]
assert len(docs) == 9, len(docs)
assert [d.get("verdict") for d in docs[:3]] == ["pass"] * 3
missing = docs[3]
assert missing["file"].endswith("missing.mbox") and missing["error"] == "input"
assert "No such file" in missing["message"] and missing["exit"] == 4
assert [d.get("verdict") for d in docs[4:7]] == ["pass"] * 3
many = docs[7]
assert many["verdict"] == "fail" and many["dmarc"]["result"] == "permerror"
assert "INKAN_LIMIT_HEADER_FIELDS" in many["header_error"]
assert "dkim=permerror (header section over" in many["authentication_results"]
assert docs[8]["error"] == "input" and "no message" in docs[8]["message"]
EOF
check "mixed --json: one valid line per message, errors included" \
	test $? -eq 0

# a header over the limits: a verdict and Authentication-Results, not silence
"$inkan" $z verify "$tmp/many.eml" >"$tmp/out" 2>&1
check "5,000 header fields: exit 1 (permerror)" test $? -eq 1
check "5,000 header fields: dkim=permerror naming the limit" \
	has "$tmp/out" "dkim=permerror (header section over INKAN_LIMIT_HEADER_FIELDS: more than 1000 fields)"
check "5,000 header fields: dmarc=permerror" has "$tmp/out" "dmarc=permerror"
check "5,000 header fields: the option that raises it" \
	has "$tmp/out" "--max-header-fields"
python3 -c 'import sys
sys.stdout.write("From: a@example.com\nSubject: " + "x" * 100000 + "\n\nbody\n")' \
	>"$tmp/long.eml"
"$inkan" $z verify "$tmp/long.eml" >"$tmp/out" 2>&1
check "a 100 KB field: exit 1 (permerror)" test $? -eq 1
check "a 100 KB field: dkim=permerror naming the limit" \
	has "$tmp/out" "dkim=permerror (header section over INKAN_LIMIT_HEADER_LINE"
"$inkan" $z verify --max-header-fields 6000 "$tmp/many.eml" >"$tmp/out" 2>&1
check "--max-header-fields 6000: read whole (dkim=none)" \
	has "$tmp/out" "dkim=none"

# a message over --max-message-size is named, and the next one is read:
# message 2 is the longest (its quoted lines), 1 and 3 are as long
"$inkan" $z --json verify --max-message-size "$(wc -c <"$tmp/s1.eml")" \
	"$tmp/box.mbox" \
	>"$tmp/size.json" 2>/dev/null
python3 - "$tmp/size.json" <<'EOF'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert len(docs) == 3
assert [d.get("verdict") for d in docs] == ["pass", None, "pass"], docs
assert docs[1]["error"] == "limit" and docs[1]["index"] == 2
assert "--max-message-size" in docs[1]["message"]
EOF
check "--max-message-size: over it named, the others verified" test $? -eq 0

# ---- parse ---------------------------------------------------------------
"$inkan" --json parse "$tmp/box.mbox" >"$tmp/parse.json"
check "parse mbox: exit 0" test $? -eq 0
python3 - "$tmp/parse.json" <<'EOF'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert len(docs) == 3
assert [d["index"] for d in docs] == [1, 2, 3]
subjects = [[h["value"] for h in d["headers"] if h["name"] == "Subject"]
            for d in docs]
assert subjects == [["message 1"], ["message 2"], ["message 3"]], subjects
EOF
check "parse mbox --json: three documents, one per message" test $? -eq 0
"$inkan" parse "$tmp/md" >"$tmp/out" 2>&1
check "parse Maildir: summary" \
	has "$tmp/out" "3 messages: 3 with a From DMARC can use"

if [ "$fails" -ne 0 ]; then
	echo "# $fails failed"
	exit 1
fi
