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

#endif
