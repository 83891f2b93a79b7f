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
	"  --header            print a Received-SPF header field too\n" \
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

#endif
