/* SPDX-License-Identifier: MIT */
#include "cli.h"
#include "cmd_domain.h"

int
cmd_domain_publish(struct cli *cli, int argc, char **argv)
{
	(void)argc; (void)argv;
	cli_error(cli, "not yet");
	return CLI_INTERNAL;
}

int
domain_publish_and_wait(struct cli *cli, const inkan_domain *d,
	const struct domain_pub *p)
{
	(void)d; (void)p;
	cli_error(cli, "not yet");
	return CLI_INTERNAL;
}
