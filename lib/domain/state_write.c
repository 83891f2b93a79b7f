/* SPDX-License-Identifier: MIT */
/*
 * state_write.c - the identity state file, written atomically, and where
 * it lives by default.
 *
 * The text goes to a new file made by mkstemp() (mode 0600) in the state
 * directory, is synced, and is renamed over "identity": a reader (the
 * milter picking its signing keys) sees the old or the new identity,
 * never a mix, and a crash leaves the old one in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "domain/domain_internal.h"

INKAN_API inkan_status
inkan_domain_default_state_dir(const char *domain, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (domain == NULL || buf == NULL || strchr(domain, '/') != NULL ||
	    domain[0] == '.' || domain[0] == '\0')
		return INKAN_ERR_INVALID;
	/* XDG Base Directory: a relative XDG_STATE_HOME is to be ignored */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, len, "%s/inkan/%s", xdg, domain);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, len, "%s/.local/state/inkan/%s", home, domain);
	else
		return INKAN_ERR_CONFIG;
	return n < 0 || (size_t)n >= len ? INKAN_ERR_LIMIT : INKAN_OK;
}

static const char *
policy_word(inkan_dmarc_policy p)
{
	return p == INKAN_DMARC_POLICY_REJECT ? "reject" :
		p == INKAN_DMARC_POLICY_QUARANTINE ? "quarantine" : "none";
}

void
ik_domain_state_format(const inkan_domain *d, ik_dout *b)
{
	const inkan_domain_view *v = &d->view;
	size_t i;

	ik_dout_puts(b, "# inkan domain identity: written by `inkan domain`; "
		"see docs/domain.md\ninkan-domain 1\n");
	ik_dout_printf(b, "domain %s\nttl %u\n", v->domain, v->ttl);
	if (v->mail_from != NULL)
		ik_dout_printf(b, "mail-from %s %s\n", v->mail_from,
			v->mail_from_mx);
	for (i = 0; i < v->nspf_includes; i++)
		ik_dout_printf(b, "spf-include %s\n", v->spf_includes[i]);
	for (i = 0; i < v->nspf_ips; i++)
		ik_dout_printf(b, "spf-ip %s\n", v->spf_ips[i]);
	ik_dout_printf(b, "spf-all %s\n", v->spf_hard_fail ? "-all" : "~all");
	ik_dout_printf(b, "dmarc-policy %s\n", policy_word(v->dmarc_policy));
	for (i = 0; i < v->ndmarc_rua; i++)
		ik_dout_printf(b, "dmarc-rua %s\n", v->dmarc_rua[i]);
	ik_dout_printf(b, "rotation %s %lld\n",
		ik_domain_rotation_name(v->rotation), (long long)v->grace);
	for (i = 0; i < v->nselectors; i++) {
		const inkan_domain_selector *s = &v->selectors[i];

		ik_dout_printf(b, "key %s %s %u %s %lld %s %s\n", s->selector,
			ik_domain_key_type_name(s->type), s->bits,
			ik_domain_key_state_name(s->state),
			(long long)s->since,
			s->key_file != NULL ? s->key_file : "-",
			s->state == INKAN_DOMAIN_KEY_REVOKED ||
			s->public_key[0] == '\0' ? "-" : s->public_key);
	}
	for (i = 0; i < v->nhistory; i++)
		ik_dout_printf(b, "event %lld %s\n", (long long)v->history[i].when,
			v->history[i].what);
}

static inkan_status
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return INKAN_ERR_IO;
		p += n;
		len -= (size_t)n;
	}
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_domain_save(const inkan_domain *d, const char *state_dir)
{
	char tmp[4096], path[4096];
	ik_dout b;
	int fd;
	inkan_status st;

	if (d == NULL || state_dir == NULL)
		return INKAN_ERR_INVALID;
	if ((st = ik_domain_path(path, sizeof(path), state_dir,
	    IK_DOMAIN_STATE_FILE)) != INKAN_OK ||
	    (st = ik_domain_path(tmp, sizeof(tmp), state_dir,
	    ".identity.XXXXXX")) != INKAN_OK ||
	    (st = ik_domain_mkdir(state_dir)) != INKAN_OK)
		return st;
	ik_dout_init(&b, d->ctx, IK_DOMAIN_STATE_MAX);
	ik_domain_state_format(d, &b);
	if (b.st != INKAN_OK) {
		st = b.st;
		ik_buf_free(&b.b);
		return st;
	}
	/* mkstemp: O_CREAT|O_EXCL, mode 0600 */
	if ((fd = mkstemp(tmp)) < 0) {
		ik_buf_free(&b.b);
		return INKAN_ERR_IO;
	}
	st = write_all(fd, b.b.data, b.b.len);
	if (st == INKAN_OK && fsync(fd) != 0)
		st = INKAN_ERR_IO;
	if (close(fd) != 0 && st == INKAN_OK)
		st = INKAN_ERR_IO;
	if (st == INKAN_OK && rename(tmp, path) != 0)
		st = INKAN_ERR_IO;
	if (st != INKAN_OK)
		unlink(tmp);
	ik_buf_free(&b.b);
	return st;
}
