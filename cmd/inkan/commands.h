/* SPDX-License-Identifier: MIT */
/*
 * commands.h - the subcommands, one struct cli_command each, defined in
 * their own cmd_<name>.c (name, summary, synopsis, option table, notes,
 * entry point) and listed in commands.c.
 */
#ifndef INKAN_COMMANDS_H
#define INKAN_COMMANDS_H

#include "cli.h"

extern const struct cli_command cmd_parse_command;
extern const struct cli_command cmd_dns_command;
extern const struct cli_command cmd_spf_command;
extern const struct cli_command cmd_dmarc_command;
extern const struct cli_command cmd_sign_command;
extern const struct cli_command cmd_verify_command;
extern const struct cli_command cmd_keygen_command;
extern const struct cli_command cmd_domain_command;
extern const struct cli_command cmd_report_command;
extern const struct cli_command cmd_completion_command;

/* `inkan spf --lint DOMAIN` (cmd_spf_lint.c) */
int cmd_spf_lint(struct cli *cli, const char *domain);

#endif
