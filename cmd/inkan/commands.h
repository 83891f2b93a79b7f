/* SPDX-License-Identifier: MIT */
/* commands.h - entry points of the subcommands (one file each). */
#ifndef INKAN_COMMANDS_H
#define INKAN_COMMANDS_H

#include "cli.h"

#define CMD_PARSE_USAGE "inkan parse [--authserv-id ID] [FILE]"
int cmd_parse(struct cli *cli, int argc, char **argv);

#define CMD_DNS_USAGE "inkan dns [--timeout MS] NAME [TYPE]  (or TYPE NAME; " \
	"TYPE defaults to TXT)\n\nExit status: 0 data, 1 NXDOMAIN or NODATA, " \
	"3 SERVFAIL, REFUSED or timeout"
int cmd_dns(struct cli *cli, int argc, char **argv);

#define CMD_SPF_USAGE "inkan spf --ip IP --mail-from ADDR [--helo NAME] " \
	"[options]\n       inkan spf --ip IP --helo NAME [options]\n" \
	"       inkan spf --lint DOMAIN\n\n" \
	"  --mail-from ''|<>   the null sender: checked as postmaster@HELO\n" \
	"  --trace             every term evaluated, with counts\n" \
	"  --header            print Received-SPF and Authentication-Results\n" \
	"  --receiver NAME     this host's name (%{r}, Received-SPF)\n" \
	"  --default-explanation TEXT  for a fail without exp= (macros ok)\n" \
	"  --sequential        one DNS question at a time (diagnosis)\n\n" \
	"Output: the result; for fail, the explanation on the second line.\n" \
	"Exit status: 0 pass, 1 other results, 3 temperror, 2 usage"
int cmd_spf(struct cli *cli, int argc, char **argv);
int cmd_spf_lint(struct cli *cli, const char *domain);

#define CMD_DMARC_USAGE "inkan dmarc [options] DOMAIN\n" \
	"       inkan dmarc --from DOMAIN|--message FILE [--spf RESULT " \
	"--mail-from DOMAIN [--helo NAME]]\n" \
	"                   [--dkim RESULT:DOMAIN[:SELECTOR][:partial]]... " \
	"[options]\n\n" \
	"  --rfc7489           RFC 7489 rules (pct, no np/t/psd; PSL " \
	"discovery unless --tree-walk)\n" \
	"  --psl[=FILE]        find organizational domains with the Public " \
	"Suffix List\n" \
	"  --tree-walk         the RFC 9989 DNS tree walk (the default)\n" \
	"  --strict            inspection: exit 1 when there is any advice\n" \
	"  --mail-from ''      the null sender: SPF's identity is the HELO\n" \
	"  --allow-partial-body  let a DKIM pass with a short l= align\n" \
	"  --authserv-id ID    for the Authentication-Results field\n\n" \
	"Inspection exit status: 0 a record applies, 1 none applies (or " \
	"advice with --strict),\n3 DNS failure. Evaluation: 0 pass, 1 " \
	"fail/none/permerror, 3 temperror."
int cmd_dmarc(struct cli *cli, int argc, char **argv);

#define CMD_SIGN_USAGE "inkan sign --domain D --selector S --key FILE " \
	"[--domain D2 --selector S2 --key FILE2 ...] [options] [FILE]\n\n" \
	"  --key FILE        PEM private key (RSA 1024..4096, Ed25519) or a " \
	"base64\n                    Ed25519 seed; closes one signature\n" \
	"  --canon C         relaxed (default), simple, or HEADER/BODY\n" \
	"  --lifetime SECS   add x= (expiry) SECS after t=\n" \
	"  --auid ADDR       add i=ADDR (within the domain)\n" \
	"  --headers A:B:..  sign these (oversigned) instead of the default " \
	"set\n\nWrites the message with its DKIM-Signature fields on top " \
	"to stdout."
int cmd_sign(struct cli *cli, int argc, char **argv);

#define CMD_VERIFY_USAGE "inkan verify [--ip IP] [--helo NAME] " \
	"[--mail-from ADDR] [--authserv-id ID] [FILE ...]\n" \
	"       inkan verify --dkim-only [--keys FILE] [--authserv-id ID] " \
	"[FILE ...]\n\n" \
	"  --ip IP           the SMTP client's address (without it, no SPF)\n" \
	"  --helo NAME       the HELO/EHLO name\n" \
	"  --mail-from ADDR  the envelope sender; '' or '<>' is the null " \
	"sender\n" \
	"  --full            the full verdict (the default; kept for " \
	"scripts)\n" \
	"  --dkim-only       DKIM only (also implied by --keys without an " \
	"envelope option)\n" \
	"  --authserv-id ID  full: the A-R authserv-id; DKIM only: print an " \
	"A-R field\n" \
	"  --keys FILE       DKIM key records from FILE (lines \"qname " \
	"record\") instead\n                    of DNS\n" \
	"  --allow-rsa-sha1  verify rsa-sha1 (RFC 8301 forbids it)\n" \
	"  --now EPOCH       judge t= and x= at this time\n" \
	"  --list FILE       message paths, one per line (- for stdin)\n\n" \
	"Full (the default): a summary of SPF, DKIM " \
	"and DMARC\n(for each non-pass: why, and what to fix) and the " \
	"Authentication-Results\nfield. Exit status: 0 DMARC pass, or no " \
	"DMARC policy and nothing failed;\n1 a fail; 3 temporary DNS " \
	"failure; 4 bad input.\n" \
	"DKIM only: one line per signature. Exit status: 0 every message " \
	"has a\npassing signature, 1 some has none, 3 temporary DNS failure."
int cmd_verify(struct cli *cli, int argc, char **argv);

#define CMD_KEYGEN_USAGE "inkan keygen --type rsa|ed25519 [--bits N] " \
	"--selector S --domain D [--out DIR]\n\n" \
	"Writes the private key to DIR/S.D.pem (mode 0600, never over an " \
	"existing\nfile; DIR defaults to .) and prints the TXT record to " \
	"publish.\nRSA: 2048 bits by default, 1024..4096."
int cmd_keygen(struct cli *cli, int argc, char **argv);

#define CMD_DOMAIN_USAGE "inkan domain setup DOMAIN [--mail-from SUB " \
	"--mail-from-mx HOST] [--selector S ...]\n" \
	"                   [--key-type rsa|ed25519|both] [--bits N] " \
	"[--spf-include D ...] [--spf-ip NET ...]\n" \
	"                   [--spf-fail] [--dmarc-policy " \
	"none|quarantine|reject] [--rua mailto:...]\n" \
	"                   [--ttl S] [--state DIR] [--format " \
	"zone|nsupdate|route53|table]\n" \
	"       inkan domain check DOMAIN [--selector S ...] [--mail-from " \
	"SUB] [--ip IP ...] [--state DIR]\n" \
	"       inkan domain publish DOMAIN --server ADDR[@PORT] --tsig-key " \
	"FILE [--zone Z] [--tcp]\n" \
	"                   [--replace-spf] [--wait SECS] [--state DIR]\n" \
	"       inkan domain rotate DOMAIN [--server ADDR[@PORT] --tsig-key " \
	"FILE] [--grace SECS]\n" \
	"                   [--wait SECS] [--state DIR]\n\n" \
	"State: --state DIR, default $XDG_STATE_HOME/inkan/DOMAIN or\n" \
	"~/.local/state/inkan/DOMAIN (mode 0700; keys 0600). check, publish " \
	"and rotate\nread the identity from there. DNS for check and the " \
	"waits: --dns-server/--dns-zone.\n\n" \
	"check exit status: 0 all good, 1 warnings, 2 errors (NOTE: 2 is " \
	"also the\nusage-error code), 3 temporary DNS failures. setup, " \
	"publish, rotate: 0 done,\n1 published but not visible in time, " \
	"2 usage, 3 DNS/network failure,\n4 bad state or key file, 5 " \
	"internal."
int cmd_domain(struct cli *cli, int argc, char **argv);

#define CMD_REPORT_USAGE \
	"inkan report ingest --db DB [--domain D]... [INPUT ...|-]\n" \
	"inkan report ingest --db DB --imap URL [--imap-login FILE] " \
	"[--imap-move FOLDER]\n" \
	"inkan report summary --db DB [--domain D] [--since WHEN] [--json]\n" \
	"                     [--check --min-pass-rate PCT]\n" \
	"inkan report enrich --db DB [--seconds N] [--window N]\n" \
	"inkan report serve --db DB [--listen 127.0.0.1:8025]\n" \
	"inkan report html --db DB --out FILE [--domain D]\n\n" \
	"ingest: store the DMARC reports in INPUTs (.xml, .xml.gz, .zip, .eml,\n" \
	"  mbox, Maildir; found by content) or one message on stdin (-).\n" \
	"  Exit 0: stored (or already stored); 4: some input refused;\n" \
	"  75 (EX_TEMPFAIL) with -: the store failed, the MTA retries.\n" \
	"summary: per domain volume, DMARC/SPF/DKIM pass rates, top sources,\n" \
	"  what fails and why, and the roll-out verdict. --check exits 1 when\n" \
	"  a domain is under --min-pass-rate or a new failing source appears."
int cmd_report(struct cli *cli, int argc, char **argv);

#endif
