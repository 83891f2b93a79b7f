/* SPDX-License-Identifier: MIT */
/*
 * identity.c - the identity of a sending domain: what Amazon SES calls a
 * verified identity (domain, DKIM selectors, custom MAIL FROM) plus the
 * SPF and DMARC choices we publish for it.
 *
 * Every string of the public view is owned by the object; the view's
 * arrays point into fixed-size tables here, so a view stays valid until
 * the next setter runs.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "dmarc/dmarc_internal.h"
#include "domain/domain_internal.h"

inkan_status
ik_domain_norm(const inkan_ctx *ctx, const char *in, char *out)
{
	char tmp[4 * IK_DOMAIN_NAME_MAX + 2];
	size_t len;

	if (in == NULL)
		return INKAN_ERR_INVALID;
	len = strlen(in);
	if (len == 0 || len >= sizeof(tmp))
		return INKAN_ERR_SYNTAX;
	memcpy(tmp, in, len + 1);
	if (tmp[len - 1] == '.')
		tmp[--len] = '\0';
	if (len == 0)
		return INKAN_ERR_SYNTAX;
	/* one rule for names in the whole library: the address parser's
	 * (A-labels, lower case) via the DMARC module's wrapper */
	return ik_dmarc_norm_domain(ctx, tmp, out);
}

int
ik_domain_is_under(const char *sub, const char *parent)
{
	return ik_dmarc_is_under(sub, parent);
}

int
ik_domain_selector_ok(const char *s)
{
	size_t i, label = 0, len = strlen(s);

	/* RFC 6376 3.1: selector = sub-domain *( "." sub-domain ); '_' is
	 * seen in the wild and harmless, so it is allowed too */
	if (len == 0 || len > IK_DOMAIN_SELECTOR_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if (ik_is_alnum(c) || c == '_' ||
		    (c == '-' && label > 0)) {
			label++;
		} else {
			return 0;
		}
	}
	return label > 0 && s[len - 1] != '-';
}

int
ik_domain_net_ok(const char *s, int *v6)
{
	char addr[64];
	unsigned char buf[16];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen = 0;
	char *end;

	if (alen == 0 || alen >= sizeof(addr))
		return 0;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	*v6 = strchr(addr, ':') != NULL;
	if (inet_pton(*v6 ? AF_INET6 : AF_INET, addr, buf) != 1)
		return 0;
	if (slash != NULL) {
		/* RFC 7208 5.6: a CIDR length, no leading zeros or signs */
		if (!ik_is_digit((unsigned char)slash[1]) ||
		    (slash[1] == '0' && slash[2] != '\0'))
			return 0;
		plen = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || plen > (*v6 ? 128u : 32u))
			return 0;
	}
	return 1;
}

INKAN_API inkan_status
inkan_domain_new(inkan_ctx *ctx, const char *domain, inkan_domain **out)
{
	char norm[IK_DOMAIN_NAME_MAX + 1];
	inkan_domain *d;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || domain == NULL)
		return INKAN_ERR_INVALID;
	if ((st = ik_domain_norm(ctx, domain, norm)) != INKAN_OK)
		return st;
	/* a mail domain has a parent: SES refuses TLDs, and so do we */
	if (strchr(norm, '.') == NULL)
		return INKAN_ERR_SYNTAX;
	d = ik_calloc(ctx, 1, sizeof(*d));
	if (d == NULL)
		return INKAN_ERR_NOMEM;
	d->ctx = ctx;
	d->domain = ik_strdup(ctx, norm);
	d->hist = ik_calloc(ctx, IK_DOMAIN_MAX_HISTORY, sizeof(*d->hist));
	if (d->domain == NULL || d->hist == NULL) {
		inkan_domain_free(d);
		return INKAN_ERR_NOMEM;
	}
	d->view.domain = d->domain;
	d->view.spf_includes = (const char *const *)d->includes;
	d->view.spf_ips = (const char *const *)d->ips;
	d->view.dmarc_rua = (const char *const *)d->rua;
	d->view.selectors = d->sel;
	d->view.history = d->hist;
	d->view.dmarc_policy = INKAN_DMARC_POLICY_NONE;
	d->view.ttl = IK_DOMAIN_DEFAULT_TTL;
	d->view.grace = IK_DOMAIN_DEFAULT_GRACE;
	*out = d;
	return INKAN_OK;
}

static void
free_selector(inkan_ctx *ctx, inkan_domain_selector *s)
{
	ik_free(ctx, (char *)s->selector);
	ik_free(ctx, (char *)s->key_file);
	ik_free(ctx, (char *)s->public_key);
	memset(s, 0, sizeof(*s));
}

INKAN_API void
inkan_domain_free(inkan_domain *d)
{
	size_t i;

	if (d == NULL)
		return;
	ik_free(d->ctx, d->domain);
	ik_free(d->ctx, d->mail_from);
	ik_free(d->ctx, d->mail_from_mx);
	for (i = 0; i < IK_DOMAIN_MAX_SPF_TERMS; i++) {
		ik_free(d->ctx, d->includes[i]);
		ik_free(d->ctx, d->ips[i]);
	}
	for (i = 0; i < IK_DOMAIN_MAX_RUA; i++)
		ik_free(d->ctx, d->rua[i]);
	for (i = 0; i < d->view.nselectors; i++)
		free_selector(d->ctx, &d->sel[i]);
	for (i = 0; d->hist != NULL && i < d->view.nhistory; i++)
		ik_free(d->ctx, (char *)d->hist[i].what);
	ik_free(d->ctx, d->hist);
	ik_free(d->ctx, d);
}

INKAN_API const inkan_domain_view *
inkan_domain_get_view(const inkan_domain *d)
{
	return d != NULL ? &d->view : NULL;
}

INKAN_API inkan_status
inkan_domain_set_mail_from(inkan_domain *d, const char *sub,
	const char *mx_host)
{
	char name[IK_DOMAIN_NAME_MAX + 1], full[IK_DOMAIN_NAME_MAX + 2];
	char mx[IK_DOMAIN_NAME_MAX + 1];
	char *a, *b;
	inkan_status st;

	if (d == NULL)
		return INKAN_ERR_INVALID;
	if (sub == NULL) {
		ik_free(d->ctx, d->mail_from);
		ik_free(d->ctx, d->mail_from_mx);
		d->mail_from = d->mail_from_mx = NULL;
		d->view.mail_from = d->view.mail_from_mx = NULL;
		return INKAN_OK;
	}
	if (mx_host == NULL)
		return INKAN_ERR_INVALID;
	if ((st = ik_domain_norm(d->ctx, sub, name)) != INKAN_OK)
		return st;
	/* one label ("bounce") is relative to DOMAIN; a longer name is
	 * taken as it is and must be under DOMAIN */
	if (strchr(name, '.') == NULL) {
		if ((size_t)snprintf(full, sizeof(full), "%s.%s", name,
		    d->domain) > IK_DOMAIN_NAME_MAX)
			return INKAN_ERR_SYNTAX;
		memcpy(name, full, strlen(full) + 1);
	} else if (!ik_domain_is_under(name, d->domain)) {
		return INKAN_ERR_SYNTAX;
	}
	if (strcmp(name, d->domain) == 0)
		return INKAN_ERR_SYNTAX;	/* not a proper subdomain */
	if ((st = ik_domain_norm(d->ctx, mx_host, mx)) != INKAN_OK)
		return st;
	a = ik_strdup(d->ctx, name);
	b = ik_strdup(d->ctx, mx);
	if (a == NULL || b == NULL) {
		ik_free(d->ctx, a);
		ik_free(d->ctx, b);
		return INKAN_ERR_NOMEM;
	}
	ik_free(d->ctx, d->mail_from);
	ik_free(d->ctx, d->mail_from_mx);
	d->view.mail_from = d->mail_from = a;
	d->view.mail_from_mx = d->mail_from_mx = b;
	return INKAN_OK;
}

/* add @s to a table of owned strings unless it is there already */
static inkan_status
add_unique(inkan_domain *d, char **tab, size_t *n, size_t max, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(tab[i], s) == 0)
			return INKAN_OK;
	if (*n >= max)
		return INKAN_ERR_LIMIT;
	if ((tab[*n] = ik_strdup(d->ctx, s)) == NULL)
		return INKAN_ERR_NOMEM;
	(*n)++;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_domain_add_spf_include(inkan_domain *d, const char *domain)
{
	char name[IK_DOMAIN_NAME_MAX + 1];
	inkan_status st;

	if (d == NULL || domain == NULL)
		return INKAN_ERR_INVALID;
	if ((st = ik_domain_norm(d->ctx, domain, name)) != INKAN_OK)
		return st;
	if (strchr(name, '.') == NULL)
		return INKAN_ERR_SYNTAX;
	return add_unique(d, d->includes, &d->view.nspf_includes,
		IK_DOMAIN_MAX_SPF_TERMS, name);
}

INKAN_API inkan_status
inkan_domain_add_spf_ip(inkan_domain *d, const char *net)
{
	int v6;

	if (d == NULL || net == NULL)
		return INKAN_ERR_INVALID;
	if (!ik_domain_net_ok(net, &v6))
		return INKAN_ERR_SYNTAX;
	return add_unique(d, d->ips, &d->view.nspf_ips,
		IK_DOMAIN_MAX_SPF_TERMS, net);
}

INKAN_API void
inkan_domain_clear_spf(inkan_domain *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < IK_DOMAIN_MAX_SPF_TERMS; i++) {
		ik_free(d->ctx, d->includes[i]);
		ik_free(d->ctx, d->ips[i]);
		d->includes[i] = d->ips[i] = NULL;
	}
	d->view.nspf_includes = d->view.nspf_ips = 0;
}

INKAN_API void
inkan_domain_clear_dmarc_rua(inkan_domain *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < IK_DOMAIN_MAX_RUA; i++) {
		ik_free(d->ctx, d->rua[i]);
		d->rua[i] = NULL;
	}
	d->view.ndmarc_rua = 0;
}

INKAN_API void
inkan_domain_set_spf_hard_fail(inkan_domain *d, int hard)
{
	if (d != NULL)
		d->view.spf_hard_fail = hard ? 1 : 0;
}

INKAN_API inkan_status
inkan_domain_set_dmarc_policy(inkan_domain *d, inkan_dmarc_policy p)
{
	if (d == NULL || p < INKAN_DMARC_POLICY_NONE ||
	    p > INKAN_DMARC_POLICY_REJECT)
		return INKAN_ERR_INVALID;
	d->view.dmarc_policy = p;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_domain_add_dmarc_rua(inkan_domain *d, const char *uri)
{
	const char *at, *p;
	char dom[IK_DOMAIN_NAME_MAX + 1];
	inkan_status st;

	if (d == NULL || uri == NULL)
		return INKAN_ERR_INVALID;
	/* RFC 9989 4.7 rua: a mailto: URI; we publish plain addresses only
	 * (no '!' size, no ',' or ';' that would break the record) */
	if (strlen(uri) > IK_DOMAIN_TEXT_MAX || strncmp(uri, "mailto:", 7) != 0)
		return INKAN_ERR_SYNTAX;
	at = strchr(uri + 7, '@');
	if (at == NULL || at == uri + 7)
		return INKAN_ERR_SYNTAX;
	for (p = uri + 7; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == ',' || *p == ';' ||
		    *p == '!' || *p == '"' || *p == '\\')
			return INKAN_ERR_SYNTAX;
	if ((st = ik_domain_norm(d->ctx, at + 1, dom)) != INKAN_OK)
		return st;
	return add_unique(d, d->rua, &d->view.ndmarc_rua, IK_DOMAIN_MAX_RUA,
		uri);
}

INKAN_API inkan_status
inkan_domain_set_ttl(inkan_domain *d, uint32_t ttl)
{
	if (d == NULL || ttl < 60 || ttl > 86400)
		return INKAN_ERR_INVALID;
	d->view.ttl = ttl;
	return INKAN_OK;
}

inkan_status
ik_domain_set_rotation(inkan_domain *d, inkan_domain_rotation r, int64_t grace)
{
	if (r < INKAN_DOMAIN_ROT_NONE || r > INKAN_DOMAIN_ROT_REVOKED ||
	    grace < 0 || grace > 366 * 86400)
		return INKAN_ERR_INVALID;
	d->view.rotation = r;
	d->view.grace = grace;
	return INKAN_OK;
}

inkan_status
ik_domain_set_str(inkan_domain *d, const char **field, const char *value)
{
	char *c = NULL;

	if (value != NULL && (c = ik_strdup(d->ctx, value)) == NULL)
		return INKAN_ERR_NOMEM;
	ik_free(d->ctx, (char *)*field);
	*field = c;
	return INKAN_OK;
}

inkan_domain_selector *
ik_domain_find_selector(inkan_domain *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->view.nselectors; i++)
		if (ik_ascii_eqz(d->sel[i].selector,
		    strlen(d->sel[i].selector), name))
			return &d->sel[i];
	return NULL;
}

inkan_status
ik_domain_add_selector(inkan_domain *d, const inkan_domain_selector *s)
{
	inkan_domain_selector *n;

	if (s->selector == NULL || !ik_domain_selector_ok(s->selector) ||
	    ik_domain_find_selector(d, s->selector) != NULL)
		return INKAN_ERR_INVALID;
	if (d->view.nselectors >= IK_DOMAIN_MAX_SELECTORS)
		return INKAN_ERR_LIMIT;
	n = &d->sel[d->view.nselectors];
	*n = *s;
	n->selector = n->key_file = n->public_key = NULL;
	if (ik_domain_set_str(d, &n->selector, s->selector) != INKAN_OK ||
	    ik_domain_set_str(d, &n->key_file, s->key_file) != INKAN_OK ||
	    ik_domain_set_str(d, &n->public_key, s->public_key ?
	    s->public_key : "") != INKAN_OK) {
		free_selector(d->ctx, n);
		return INKAN_ERR_NOMEM;
	}
	d->view.nselectors++;
	return INKAN_OK;
}

void
ik_domain_drop_selector(inkan_domain *d, size_t i)
{
	if (i >= d->view.nselectors)
		return;
	free_selector(d->ctx, &d->sel[i]);
	memmove(&d->sel[i], &d->sel[i + 1],
		(d->view.nselectors - i - 1) * sizeof(d->sel[0]));
	d->view.nselectors--;
	memset(&d->sel[d->view.nselectors], 0, sizeof(d->sel[0]));
}

inkan_status
ik_domain_event(inkan_domain *d, int64_t when, const char *fmt, ...)
{
	char line[IK_DOMAIN_TEXT_MAX + 1];
	va_list ap;
	char *c;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one line: the state file is line-based */
	for (i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == 0x7f)
			line[i] = ' ';
	if ((c = ik_strdup(d->ctx, line)) == NULL)
		return INKAN_ERR_NOMEM;
	if (d->view.nhistory == IK_DOMAIN_MAX_HISTORY) {
		ik_free(d->ctx, (char *)d->hist[0].what);
		memmove(&d->hist[0], &d->hist[1],
			(IK_DOMAIN_MAX_HISTORY - 1) * sizeof(d->hist[0]));
		d->view.nhistory--;
	}
	d->hist[d->view.nhistory].when = when;
	d->hist[d->view.nhistory].what = c;
	d->view.nhistory++;
	return INKAN_OK;
}

const char *
ik_domain_key_type_name(inkan_key_type t)
{
	return t == INKAN_KEY_ED25519 ? "ed25519" : "rsa";
}

const char *
ik_domain_key_state_name(inkan_domain_key_state s)
{
	static const char *const names[] = {
		"pending", "active", "retired", "revoked"
	};

	return s <= INKAN_DOMAIN_KEY_REVOKED ? names[s] : "?";
}

const char *
ik_domain_rotation_name(inkan_domain_rotation r)
{
	static const char *const names[] = {
		"none", "generated", "switched", "revoked"
	};

	return r <= INKAN_DOMAIN_ROT_REVOKED ? names[r] : "?";
}

void
ik_domain_key_record(const inkan_domain_selector *s, ik_dout *out)
{
	/* RFC 6376 3.6.1; RFC 8463 4.2 k=ed25519. An empty p= revokes. */
	ik_dout_printf(out, "v=DKIM1; k=%s; p=%s",
		ik_domain_key_type_name(s->type),
		s->state == INKAN_DOMAIN_KEY_REVOKED ? "" : s->public_key);
}
