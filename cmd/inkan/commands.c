/* SPDX-License-Identifier: MIT */
/* commands.c - the subcommand table. One line per subcommand. */
#include <stddef.h>

#include "cli.h"
#include "commands.h"

const struct cli_command *const cli_commands[] = {
	&cmd_parse_command,
	&cmd_dns_command,
	&cmd_spf_command,
	&cmd_dmarc_command,
	&cmd_sign_command,
	&cmd_verify_command,
	&cmd_keygen_command,
	&cmd_domain_command,
	&cmd_report_command,
	&cmd_completion_command,
	NULL
};
