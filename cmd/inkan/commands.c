/* SPDX-License-Identifier: MIT */
/* commands.c - the subcommand table. One line per subcommand. */
#include <stddef.h>

#include "cli.h"
#include "commands.h"

const struct cli_command cli_commands[] = {
	{ "parse", "show a message's header fields, From author and an "
	  "Authentication-Results header", CMD_PARSE_USAGE, cmd_parse },
	{ "dns", "ask one DNS question the way inkan's checks do "
	  "(dig as inkan sees it)", CMD_DNS_USAGE, cmd_dns },
	{ "spf", "evaluate SPF (RFC 7208) for a client IP and MAIL FROM or "
	  "HELO, or lint a domain's SPF policy", CMD_SPF_USAGE, cmd_spf },
	{ "dmarc", "show a domain's DMARC record, discovery and policies, or "
	  "evaluate DMARC for given SPF/DKIM results", CMD_DMARC_USAGE,
	  cmd_dmarc },
	{ "sign", "DKIM-sign a message with one or more keys (RSA, Ed25519)",
	  CMD_SIGN_USAGE, cmd_sign },
	{ "verify", "verify a message: SPF, DKIM and DMARC as Gmail shows "
	  "them, or its DKIM signatures only",
	  CMD_VERIFY_USAGE, cmd_verify },
	{ "keygen", "make a DKIM key pair and print its DNS record",
	  CMD_KEYGEN_USAGE, cmd_keygen },
	{ "domain", "set up a sending domain (keys, SPF, MAIL FROM, DMARC), "
	  "audit its DNS, publish by DNS UPDATE, rotate keys",
	  CMD_DOMAIN_USAGE, cmd_domain },
	{ "report", "DMARC reports: ingest what reporters send you, "
	  "summarise it, browse it", CMD_REPORT_USAGE, cmd_report },
	{ NULL, NULL, NULL, NULL }
};
