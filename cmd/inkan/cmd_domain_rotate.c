/* SPDX-License-Identifier: MIT */
#include "cli.h"
#include "cmd_domain.h"

int
cmd_domain_rotate(struct cli *cli, int argc, char **argv)
{
	(void)argc; (void)argv;
	cli_error(cli, "not yet");
	return CLI_INTERNAL;
}
