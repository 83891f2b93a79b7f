/* SPDX-License-Identifier: MIT */
/*
 * spf_job.c - SPF for the verifier: the MAIL FROM identity (RFC 7208
 * 2.4; a null reverse-path is checked as postmaster@HELO), started as
 * soon as the envelope is known and collected at the end of the message.
 *
 * inkan_spf_check() is synchronous (it starts the lookups of each record
 * together, then waits), so to overlap it with the DKIM key lookups and
 * the DMARC discovery it runs on a worker thread of its own. The thread
 * only reads the context and the request, which stay unchanged until it
 * is joined (ik_verify_spf_finish or ik_verify_spf_clear). If the thread
 * cannot be created, or the caller asked for no thread, the check runs
 * at the end of the message; then the TXT question for its domain has
 * been started early, so a caching resolver joins SPF's own question to
 * the one already in flight.
 */
#include <arpa/inet.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "verify/verify_internal.h"

/* copy @s (NULL stays NULL), without one pair of angle brackets */
static inkan_status
copy_arg(inkan_verify *v, const char *s, int brackets, char **out)
{
	size_t n;

	*out = NULL;
	if (s == NULL)
		return INKAN_OK;
	n = strlen(s);
	if (brackets && n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	*out = ik_strndup(v->ctx, s, n);
	return *out != NULL ? INKAN_OK : INKAN_ERR_NOMEM;
}

static int
is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

inkan_status
ik_verify_spf_setup(inkan_verify *v, const inkan_verify_envelope *env)
{
	struct ik_verify_spf *s = &v->spf;
	const char *at;
	inkan_status st;

	if (env->client_ip != NULL && env->client_ip[0] != '\0' &&
	    !is_ip(env->client_ip))
		return INKAN_ERR_INVALID;
	if ((st = copy_arg(v, env->client_ip, 0, &s->client_ip)) != INKAN_OK ||
	    (st = copy_arg(v, env->helo, 0, &s->helo)) != INKAN_OK ||
	    (st = copy_arg(v, env->mail_from, 1, &s->mail_from)) != INKAN_OK)
		return st;
	if (s->helo != NULL && s->helo[0] == '\0') {
		ik_free(v->ctx, s->helo);
		s->helo = NULL;
	}
	/* the SPF domain, for the notes even when SPF is not checked */
	if (s->mail_from != NULL && s->mail_from[0] != '\0') {
		at = strrchr(s->mail_from, '@');
		/* RFC 7208 4.3: no local-part means postmaster@domain */
		s->domain = at != NULL ? at + 1 : s->mail_from;
	} else if (s->mail_from != NULL) {
		s->domain = s->helo;
	}
	if (s->client_ip == NULL || s->client_ip[0] == '\0')
		s->status = INKAN_VERIFY_SPF_NO_IP;
	else if (s->mail_from == NULL)
		s->status = INKAN_VERIFY_SPF_NO_MAIL_FROM;
	else if (s->mail_from[0] == '\0' && s->helo == NULL)
		s->status = INKAN_VERIFY_SPF_NO_HELO;
	else
		s->status = INKAN_VERIFY_SPF_CHECKED;
	s->req.client_ip = s->client_ip;
	s->req.mail_from = s->mail_from;
	s->req.helo = s->helo;
	s->req.receiver = v->opt.spf_receiver;
	s->req.cache = v->opt.spf_cache;
	if (v->opt.flags & INKAN_VERIFY_SPF_TRACE)
		s->req.flags |= INKAN_SPF_FLAG_TRACE;
	return INKAN_OK;
}

static void *
spf_thread(void *arg)
{
	inkan_verify *v = arg;
	struct ik_verify_spf *s = &v->spf;

	s->st = inkan_spf_check(v->ctx, &s->req, INKAN_SPF_IDENTITY_MAILFROM,
		&s->verdict);
	return NULL;
}

void
ik_verify_spf_start(inkan_verify *v)
{
	struct ik_verify_spf *s = &v->spf;
	inkan_resolver *r = inkan_ctx_resolver(v->ctx);
	int err;

	if (s->status != INKAN_VERIFY_SPF_CHECKED)
		return;
	if (!(v->opt.flags & INKAN_VERIFY_SPF_INLINE)) {
		err = pthread_create(&s->thread, NULL, spf_thread, v);
		if (err == 0) {
			s->started = 1;
			return;
		}
		ik_log(v->ctx, INKAN_LOG_WARNING, "verify: no SPF thread "
			"(error %d): SPF runs at the end of the message", err);
	}
	/* RFC 7208 4.4: the first question check_host() asks; a failure
	 * here is harmless, SPF asks again */
	if (r != NULL && s->domain != NULL &&
	    inkan_dns_start(r, s->domain, INKAN_DNS_TYPE_TXT, &s->pre) !=
	    INKAN_OK)
		s->pre = NULL;
}

inkan_status
ik_verify_spf_finish(inkan_verify *v)
{
	struct ik_verify_spf *s = &v->spf;

	if (!v->envelope_set) {
		s->status = INKAN_VERIFY_SPF_NO_IP;
		return INKAN_OK;
	}
	if (s->status != INKAN_VERIFY_SPF_CHECKED || s->done)
		return INKAN_OK;
	if (s->started) {
		pthread_join(s->thread, NULL);
		s->started = 0;
	} else {
		spf_thread(v);
	}
	s->done = 1;
	inkan_dns_query_free(s->pre);
	s->pre = NULL;
	/* inkan/spf.h: INVALID here can only be the missing resolver (the
	 * address and the HELO were checked in setup) */
	if (s->st == INKAN_ERR_INVALID)
		return INKAN_ERR_CONFIG;
	return s->st;
}

void
ik_verify_spf_clear(inkan_verify *v)
{
	struct ik_verify_spf *s = &v->spf;

	if (s->started) {
		pthread_join(s->thread, NULL);
		s->started = 0;
	}
	inkan_dns_query_free(s->pre);
	inkan_spf_verdict_free(s->verdict);
	ik_free(v->ctx, s->client_ip);
	ik_free(v->ctx, s->helo);
	ik_free(v->ctx, s->mail_from);
	memset(s, 0, sizeof(*s));
}
