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

#endif
