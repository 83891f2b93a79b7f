/* SPDX-License-Identifier: MIT */
/*
 * spf_api.c - inkan_spf_check(): from an SMTP envelope to check_host()
 * arguments (RFC 7208 2.3, 2.4, 4.1, 4.3) and a verdict.
 *
 * MAIL FROM: the domain is what follows the last "@" (a quoted local-part
 * may itself hold "@"); no "@" at all means the whole string is the
 * domain; an empty local-part becomes "postmaster" (4.3). A null
 * reverse-path is postmaster@HELO (2.4). HELO: postmaster@HELO (2.3).
 * A domain with non-ASCII bytes is turned into A-labels (4.3: IDNs MUST be
 * A-labels) with libidn2; one that cannot be is malformed (none).
 */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include <idn2.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/ctx_internal.h"
#include "spf_check.h"
#include "spf_eval.h"

/* a MAIL FROM is at most 256 octets (RFC 5321 4.5.3.1.3); anything far
 * longer is refused rather than carried through every expansion */
#define SENDER_MAX (64 * 1024)

/* the domain as A-labels; the caller frees with ik_free */
static char *
a_labels(const inkan_ctx *ctx, const char *d, size_t len)
{
	char *u8, *ace = NULL, *out;
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] >= 0x80)
			break;
	if (i == len)
		return ik_strndup(ctx, d, len);
	u8 = ik_strndup(ctx, d, len);
	if (u8 == NULL)
		return NULL;
	if (idn2_to_ascii_8z(u8, &ace, IDN2_NONTRANSITIONAL) != IDN2_OK) {
		/* keep the raw bytes: ik_spf_domain_ok() rejects them */
		return u8;
	}
	ik_free(ctx, u8);
	out = ik_strdup(ctx, ace);
	idn2_free(ace);
	return out;
}

/*
 * Set up <sender> and <domain>. *domain is owned by the caller; the
 * sender goes to c->sender. INKAN_ERR_INVALID when the needed HELO is
 * missing.
 */
static inkan_status
envelope(ik_spf_check *c, const inkan_spf_request *req,
	inkan_spf_identity id, char **domain)
{
	const char *mf = req->mail_from, *at, *dom;
	size_t len = 0, llen, dlen;

	*domain = NULL;
	if (id == INKAN_SPF_IDENTITY_MAILFROM && mf != NULL) {
		len = strlen(mf);
		if (len >= 2 && mf[0] == '<' && mf[len - 1] == '>') {
			mf++;
			len -= 2;
		}
	}
	if (id == INKAN_SPF_IDENTITY_HELO || len == 0) {
		/* RFC 7208 2.3, 2.4: postmaster@HELO */
		if (req->helo == NULL || req->helo[0] == '\0')
			return INKAN_ERR_INVALID;
		mf = NULL;
		at = NULL;
		dom = req->helo;
		dlen = strlen(dom);
		llen = 0;
	} else {
		for (at = mf + len; at > mf && at[-1] != '@'; at--)
			;
		if (at == mf) {
			/* no "@": all of it is the domain */
			at = NULL;
			dom = mf;
			dlen = len;
			llen = 0;
		} else {
			dom = at;
			dlen = len - (size_t)(at - mf);
			llen = (size_t)(at - mf) - 1;
		}
	}
	if (dlen > 0 && dom[dlen - 1] == '.')
		dlen--;
	*domain = a_labels(c->ctx, dom, dlen);
	if (*domain == NULL)
		return INKAN_ERR_NOMEM;
	/* RFC 7208 4.3: no local-part: "postmaster" */
	if (llen == 0) {
		mf = "postmaster";
		llen = 10;
	}
	dlen = strlen(*domain);
	if (llen > SENDER_MAX || dlen > SENDER_MAX) {
		ik_free(c->ctx, *domain);
		*domain = NULL;
		return INKAN_ERR_INVALID;
	}
	c->sender = ik_malloc(c->ctx, llen + dlen + 2);
	if (c->sender == NULL) {
		ik_free(c->ctx, *domain);
		*domain = NULL;
		return INKAN_ERR_NOMEM;
	}
	memcpy(c->sender, mf, llen);
	c->sender[llen] = '@';
	memcpy(c->sender + llen + 1, *domain, dlen + 1);
	c->local_len = llen;
	return INKAN_OK;
}

static void
set_deadline(ik_spf_check *c)
{
	uint64_t ms = inkan_ctx_limit(c->ctx, INKAN_LIMIT_SPF_TIME_MS);

	if (ms > 86400000ull)
		ms = 86400000ull;
	clock_gettime(IK_SPF_CLOCK, &c->deadline);
	c->deadline.tv_sec += (time_t)(ms / 1000);
	c->deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (c->deadline.tv_nsec >= 1000000000L) {
		c->deadline.tv_sec++;
		c->deadline.tv_nsec -= 1000000000L;
	}
}

static void
cleanup(ik_spf_check *c)
{
	size_t i;

	ik_spf_queries_free(c);
	ik_spf_names_free(c, c->p_names, c->np);
	ik_free(c->ctx, c->sender);
	for (i = 0; i < IK_SPF_TBUFS; i++)
		ik_buf_free(&c->tbuf[i]);
	ik_spf_scratch_free(&c->scratch);
}

static inkan_status
fill(ik_spf_check *c, const inkan_spf_request *req, const char *domain)
{
	inkan_spf_verdict *v = &c->box->pub;

	v->domain = ik_spf_box_str(c->box, domain, strlen(domain));
	v->sender = ik_spf_box_str(c->box, c->sender, strlen(c->sender));
	v->client_ip = ik_spf_box_str(c->box, c->ipstr, strlen(c->ipstr));
	v->helo = req->helo == NULL ? NULL :
	    ik_spf_box_str(c->box, req->helo, strlen(req->helo));
	if (v->domain == NULL || v->sender == NULL || v->client_ip == NULL ||
	    (req->helo != NULL && v->helo == NULL))
		return INKAN_ERR_NOMEM;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_spf_check(const inkan_ctx *ctx, const inkan_spf_request *req,
	inkan_spf_identity identity, inkan_spf_verdict **out)
{
	ik_spf_check c;
	char *domain = NULL;
	uint32_t macros;
	size_t errpos;
	const char *msg;
	inkan_spf_result r;
	inkan_status st;
	size_t i;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || req == NULL || req->client_ip == NULL ||
	    (identity != INKAN_SPF_IDENTITY_MAILFROM &&
	    identity != INKAN_SPF_IDENTITY_HELO))
		return INKAN_ERR_INVALID;
	/* everything but the scratch area, which needs no zeroing */
	memset(&c, 0, offsetof(ik_spf_check, scratch));
	c.ctx = ctx;
	c.res = inkan_ctx_resolver(ctx);
	if (c.res == NULL ||
	    !ik_spf_ip_parse(req->client_ip, strlen(req->client_ip), &c.ip))
		return INKAN_ERR_INVALID;
	c.default_exp = req->default_explanation != NULL ?
	    req->default_explanation : INKAN_SPF_DEFAULT_EXPLANATION;
	if (req->default_explanation != NULL &&
	    !ik_spf_spec_check(c.default_exp, strlen(c.default_exp),
	    IK_SPF_SPEC_EXPLAIN, &macros, &errpos, &msg))
		return INKAN_ERR_INVALID;
	ik_spf_ip_format(&c.ip, c.ipstr);
	c.helo = req->helo != NULL ? req->helo : "";
	c.receiver = req->receiver != NULL ? req->receiver : "unknown";
	c.now = inkan_ctx_now(ctx);
	c.sequential = (req->flags & INKAN_SPF_FLAG_SEQUENTIAL) != 0;
	c.trace = (req->flags & INKAN_SPF_FLAG_TRACE) != 0;
	c.cache = req->cache;
	c.max_terms = ik_limit(ctx, INKAN_LIMIT_SPF_DNS_TERMS);
	c.max_void = ik_limit(ctx, INKAN_LIMIT_SPF_VOID_LOOKUPS);
	c.max_mx = ik_limit(ctx, INKAN_LIMIT_SPF_MX_ADDRS);
	c.max_ptr = ik_limit(ctx, INKAN_LIMIT_SPF_PTR_NAMES);
	ik_spf_scratch_init(&c.scratch, ctx);
	for (i = 0; i < IK_SPF_TBUFS; i++)
		ik_buf_init(&c.tbuf[i], ctx, IK_SPF_EXPAND_MAX);
	set_deadline(&c);
	st = envelope(&c, req, identity, &domain);
	if (st != INKAN_OK) {
		cleanup(&c);
		return st;
	}
	c.box = ik_spf_box_new(ctx);
	if (c.box == NULL) {
		ik_free(ctx, domain);
		cleanup(&c);
		return INKAN_ERR_NOMEM;
	}
	c.box->pub.identity = identity;
	st = fill(&c, req, domain);
	if (st == INKAN_OK) {
		r = ik_spf_check_host(&c, domain);
		st = c.fatal;
		c.box->pub.result = r;
		c.box->pub.dns_terms = c.dns_terms;
		c.box->pub.void_lookups = c.void_lookups;
	}
	ik_free(ctx, domain);
	cleanup(&c);
	if (st != INKAN_OK) {
		ik_spf_box_free(c.box);
		return st;
	}
	*out = &c.box->pub;
	return INKAN_OK;
}
