/* SPDX-License-Identifier: MIT */
/*
 * mail_from.c - custom MAIL FROM: rewrite, read back, and the health check
 * of the subdomain's MX and SPF records (see mail_from.h).
 */
#include <string.h>
#include <strings.h>

#include <inkan/dns.h>

#include "mail_from.h"

#define PREFIX "ik+"

int
mt_mail_from_rewrite(const char *sender, const char *sub, char *buf,
	size_t len, const char **why)
{
	const char *at;
	int n;

	if (sender == NULL || sender[0] == '\0') {
		*why = "null sender";
		return -1;
	}
	at = strrchr(sender, '@');
	if (at == NULL || at == sender || at[1] == '\0') {
		*why = "sender without a domain";
		return -1;
	}
	if (strpbrk(sender, "\"\\ <>()[],;:") != NULL) {
		*why = "quoted or unusual sender";
		return -1;
	}
	/* RFC 5321 4.5.3.1.1: a local part is at most 64 octets */
	if (strlen(PREFIX) + strlen(sender) > 64) {
		*why = "rewritten local part would exceed 64 octets";
		return -1;
	}
	n = snprintf(buf, len, PREFIX "%.*s=%s@%s", (int)(at - sender),
		sender, at + 1, sub);
	if (n < 0 || (size_t)n >= len) {
		*why = "address too long";
		return -1;
	}
	return 0;
}

int
mt_mail_from_original(const char *rewritten, char *buf, size_t len)
{
	const char *at = strrchr(rewritten, '@'), *eq = NULL, *p;
	int n;

	if (at == NULL || strncmp(rewritten, PREFIX, strlen(PREFIX)) != 0)
		return -1;
	for (p = rewritten; p < at; p++)
		if (*p == '=')
			eq = p;
	if (eq == NULL || eq == rewritten + strlen(PREFIX) || eq + 1 == at)
		return -1;
	n = snprintf(buf, len, "%.*s@%.*s",
		(int)(eq - rewritten - (int)strlen(PREFIX)),
		rewritten + strlen(PREFIX), (int)(at - eq - 1), eq + 1);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
has_mx(inkan_resolver *r, const char *name, const char **problem)
{
	inkan_dns_query *q = NULL;
	const inkan_dns_answer *a;
	size_t i;
	int ok = 0;

	*problem = "no MX record";
	if (inkan_dns_lookup(r, name, 15, &q, &a) != INKAN_OK) {
		*problem = "MX lookup failed";
	} else if (a->outcome == INKAN_DNS_TEMPFAIL) {
		*problem = "MX lookup timed out or failed";
	} else {
		for (i = 0; i < a->nrrs; i++)
			if (a->rrs[i].type == 15 &&
			    strcmp(a->rrs[i].u.mx.exchange, ".") != 0)
				ok = 1;
	}
	inkan_dns_query_free(q);
	return ok;
}

static int
has_spf(inkan_resolver *r, const char *name, const char **problem)
{
	inkan_dns_query *q = NULL;
	const inkan_dns_answer *a;
	size_t i;
	int ok = 0;

	*problem = "no SPF record";
	if (inkan_dns_lookup(r, name, 16, &q, &a) != INKAN_OK) {
		*problem = "TXT lookup failed";
	} else if (a->outcome == INKAN_DNS_TEMPFAIL) {
		*problem = "TXT lookup timed out or failed";
	} else {
		/* RFC 7208 4.5: "v=spf1" followed by a space or the end */
		for (i = 0; i < a->nrrs; i++) {
			const inkan_dns_str *j = &a->rrs[i].u.txt.joined;

			if (a->rrs[i].type == 16 && j->len >= 6 &&
			    strncasecmp(j->data, "v=spf1", 6) == 0 &&
			    (j->len == 6 || j->data[6] == ' '))
				ok = 1;
		}
	}
	inkan_dns_query_free(q);
	return ok;
}

int
mt_mail_from_check(struct mt_state *st, FILE *errs)
{
	const struct mt_config *c = st->cfg;
	const char *problem;
	size_t i;
	int broken = 0, ok;

	for (i = 0; i < c->nmail_from; i++) {
		ok = has_mx(st->resolver, c->mail_from[i].sub, &problem) &&
			has_spf(st->resolver, c->mail_from[i].sub, &problem);
		atomic_store(&st->mail_from_ok[i], ok);
		if (!ok) {
			broken++;
			if (errs != NULL)
				fprintf(errs, "mail_from %s: %s: %s (fallback: "
					"%s)\n", c->mail_from[i].domain,
					c->mail_from[i].sub, problem,
					mt_mail_from_fallback_of(c, i) ==
					MT_MAIL_FROM_TEMPFAIL ? "tempfail" :
					"keep the original MAIL FROM");
		}
	}
	return broken;
}

const struct mt_mail_from *
mt_mail_from_find(const struct mt_config *c, const char *domain,
	size_t *index)
{
	size_t i;

	for (i = 0; domain != NULL && i < c->nmail_from; i++)
		if (strcmp(c->mail_from[i].domain, domain) == 0) {
			*index = i;
			return &c->mail_from[i];
		}
	return NULL;
}

enum mt_mail_from_fallback
mt_mail_from_fallback_of(const struct mt_config *c, size_t i)
{
	return c->mail_from[i].fallback < 0 ? c->mail_from_fallback :
		(enum mt_mail_from_fallback)c->mail_from[i].fallback;
}
