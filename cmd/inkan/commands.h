/* SPDX-License-Identifier: MIT */
/* commands.h - entry points of the subcommands (one file each). */
#ifndef INKAN_COMMANDS_H
#define INKAN_COMMANDS_H

#include "cli.h"

#define CMD_PARSE_USAGE "inkan parse [--authserv-id ID] [FILE]"
int cmd_parse(struct cli *cli, int argc, char **argv);

#endif
