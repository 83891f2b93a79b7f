/* SPDX-License-Identifier: MIT */
/* cmd_sign.h - what the two halves of `inkan sign` share: the options
 * (cmd_sign_opts.c) and the signing run (cmd_sign.c). */
#ifndef INKAN_CMD_SIGN_H
#define INKAN_CMD_SIGN_H

#include <inkan/dkim.h>
#include <inkan/keys.h>

#include "cli.h"

struct sign_opts {
	inkan_dkim_sign_key *keys;	/* grown as --key/--state add */
	inkan_key **loaded;		/* owned, one per key */
	char **owned;			/* strings the keys point to */
	size_t nkeys, cap, nowned;
	const char *domain, *selector, *state;
	inkan_dkim_canon hc, bc;
	uint64_t lifetime;
	const char *auid;
	const char **headers;		/* NULL-terminated, or NULL */
	char *headers_buf;
};

/* Sign the message at @path (NULL or "-": stdin) with @o's keys. */
int sign_run(struct cli *cli, struct sign_opts *o, const char *path);

#endif
