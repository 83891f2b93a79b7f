/* SPDX-License-Identifier: MIT */
/*
 * callbacks.c - the libmilter callbacks: session bookkeeping, the
 * sign-or-verify decision at MAIL FROM, and dispatch of each message
 * event to sign.c or verify.c.
 *
 * Rule for every path: when the milter cannot do its work (out of
 * memory, a library error, a bound exceeded) the answer is TEMPFAIL, so
 * the client retries and no message is accepted unprocessed. A crash of
 * the process has the same effect through Postfix's
 * milter_default_action = tempfail.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "session.h"

static struct mt_daemon *daemon_ptr;

void
mt_callbacks_init(struct mt_daemon *d)
{
	daemon_ptr = d;
}

static struct mt_session *
session_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

int
mt_status_is_message_bound(inkan_status st)
{
	return st == INKAN_ERR_HEADER_COUNT || st == INKAN_ERR_LINE_LENGTH ||
		st == INKAN_ERR_HEADER_SIZE;
}

void
mt_reply_clean(char *text)
{
	for (; *text != '\0'; text++)
		if (*text == '%' || *text == '\r' || *text == '\n' ||
		    (unsigned char)*text < 0x20)
			*text = ' ';
}

int
mt_session_insert_header(SMFICTX *ctx, struct mt_session *s,
	const char *name, const char *value)
{
	size_t n = strlen(value), i, o = 0;
	char *v;
	int rc;

	v = malloc(n + 2);
	if (v == NULL)
		return -1;
	/* with SMFIP_HDR_LEADSPC Postfix takes the value as it is, so the
	 * space after the colon is ours to give */
	if (s->leadspc && value[0] != ' ')
		v[o++] = ' ';
	if (!s->leadspc)
		while (*value == ' ') {
			value++;
			n--;
		}
	for (i = 0; i < n; i++)
		if (!(value[i] == '\r' && value[i + 1] == '\n'))
			v[o++] = value[i];
	while (o > 0 && v[o - 1] == '\n')
		o--;
	v[o] = '\0';
	rc = smfi_insheader(ctx, 0, (char *)name, v) == MI_SUCCESS ? 0 : -1;
	free(v);
	return rc;
}

static void
message_reset(struct mt_session *s)
{
	if (s->in_message)
		atomic_fetch_sub(&s->d->active_messages, 1);
	inkan_verify_free(s->m.v);
	inkan_dkim_sign_free(s->m.signer);
	inkan_msg_free(s->m.msg);
	free(s->m.mail_from);
	memset(&s->m, 0, sizeof(s->m));
	s->in_message = 0;
}

static sfsistat
tempfail(SMFICTX *ctx, struct mt_session *s, const char *why)
{
	mt_stats_bump(&s->d->stats, MT_C_INTERNAL_ERRORS);
	mt_stats_bump(&s->d->stats, MT_C_TEMPFAIL);
	mt_log(s->d, MT_ERR, "client=%s: tempfail: %s", s->ip[0] ? s->ip :
		"local", why);
	smfi_setreply(ctx, "451", "4.3.0", "inkan-milter: temporary "
		"local problem, try again later");
	message_reset(s);
	return SMFIS_TEMPFAIL;
}

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
	unsigned long f2, unsigned long f3, unsigned long *pf0,
	unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE |
		SMFIF_CHGFROM;

	(void)ctx;
	if ((f0 & want) != want)
		return SMFIS_REJECT;	/* the MTA cannot do what we need */
	*pf0 = want;
	*pf1 = f1 & SMFIP_HDR_LEADSPC;
	/* the session (cb_connect) must know: with it the MTA writes the
	 * value as given, so the space after the colon is ours to give */
	atomic_store(&daemon_ptr->leadspc, (f1 & SMFIP_HDR_LEADSPC) != 0);
	*pf2 = 0;
	*pf3 = 0;
	(void)f2;
	(void)f3;
	return SMFIS_CONTINUE;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct mt_daemon *d = daemon_ptr;
	struct mt_session *s;
	const char *dn;

	mt_stats_bump(&d->stats, MT_C_SESSIONS);
	if (atomic_load(&d->stopping))
		return SMFIS_TEMPFAIL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return SMFIS_TEMPFAIL;
	s->d = d;
	s->leadspc = atomic_load(&d->leadspc);
	s->st = mt_daemon_state(d);
	if (atomic_fetch_add(&d->stats.active_sessions, 1) >=
	    (int)s->st->cfg->max_sessions) {
		/* bounded threads: libmilter gives each connection a
		 * thread; past the bound the session is told to retry */
		atomic_fetch_sub(&d->stats.active_sessions, 1);
		mt_stats_bump(&d->stats, MT_C_SESSIONS_REFUSED);
		mt_log(d, MT_WARNING, "max_sessions (%u) reached: tempfail",
			s->st->cfg->max_sessions);
		mt_state_unref(s->st);
		free(s);
		return SMFIS_TEMPFAIL;
	}
	copy(s->host, sizeof(s->host), host);
	if (addr != NULL && addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)addr)->sin_addr,
			s->ip, sizeof(s->ip));
	else if (addr != NULL && addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)addr)->sin6_addr,
			s->ip, sizeof(s->ip));
	dn = smfi_getsymval(ctx, "{daemon_name}");
	copy(s->daemon_name, sizeof(s->daemon_name), dn);
	if (smfi_setpriv(ctx, s) != MI_SUCCESS) {
		atomic_fetch_sub(&d->stats.active_sessions, 1);
		mt_state_unref(s->st);
		free(s);
		return SMFIS_TEMPFAIL;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	struct mt_session *s = session_of(ctx);

	if (s == NULL)
		return SMFIS_TEMPFAIL;
	copy(s->helo, sizeof(s->helo), helo);
	return SMFIS_CONTINUE;
}

static char *
strip_brackets(const char *a)
{
	size_t n;
	char *d;

	if (a == NULL)
		return strdup("");
	n = strlen(a);
	if (n >= 2 && a[0] == '<' && a[n - 1] == '>') {
		a++;
		n -= 2;
	}
	d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, a, n);
		d[n] = '\0';
	}
	return d;
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct mt_session *s = session_of(ctx);
	struct mt_state *old;
	int rc;

	if (s == NULL)
		return SMFIS_TEMPFAIL;
	message_reset(s);
	/* a reload takes effect at the next message, also on a connection
	 * that was open before it: the old state is kept only as long as
	 * a message is using it */
	pthread_mutex_lock(&s->d->lock);
	old = s->st;
	if (s->d->cur != old)
		s->st = mt_state_ref(s->d->cur);
	else
		old = NULL;
	pthread_mutex_unlock(&s->d->lock);
	mt_state_unref(old);
	/* SIGTERM lets the messages in flight finish, and no new one start
	 * (count first, then look: see shutdown_gracefully in main.c) */
	atomic_fetch_add(&s->d->active_messages, 1);
	s->in_message = 1;
	if (atomic_load(&s->d->stopping)) {
		message_reset(s);
		smfi_setreply(ctx, "421", "4.3.2", "inkan-milter shutting "
			"down, try again later");
		return SMFIS_TEMPFAIL;
	}
	s->m.mail_from = strip_brackets(argv != NULL ? argv[0] : NULL);
	if (s->m.mail_from == NULL)
		return tempfail(ctx, s, "out of memory");
	mt_policy_decide(s->st->cfg, smfi_getsymval(ctx, "{auth_authen}"),
		s->ip[0] ? s->ip : NULL, s->daemon_name[0] ? s->daemon_name :
		NULL, &s->m.decision);
	rc = s->m.decision.mode == MT_MODE_SIGN ? mt_sign_start(s) :
		mt_verify_start(s);
	if (rc != 0)
		return tempfail(ctx, s, "cannot start the message");
	return SMFIS_CONTINUE;
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mt_session *s = session_of(ctx);

	if (s == NULL)
		return SMFIS_TEMPFAIL;
	if (s->m.rcpt[0] == '\0' && argv != NULL && argv[0] != NULL) {
		char *r = strip_brackets(argv[0]);

		if (r == NULL)
			return tempfail(ctx, s, "out of memory");
		copy(s->m.rcpt, sizeof(s->m.rcpt), r);
		free(r);
	}
	return SMFIS_CONTINUE;
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct mt_session *s = session_of(ctx);

	if (s == NULL || !s->in_message)
		return SMFIS_TEMPFAIL;
	if (s->m.decision.mode == MT_MODE_SIGN)
		mt_sign_header(s, name, value);
	else
		mt_verify_header(s, name, value);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct mt_session *s = session_of(ctx);

	if (s == NULL || !s->in_message)
		return SMFIS_TEMPFAIL;
	if (s->m.decision.mode == MT_MODE_SIGN)
		mt_sign_eoh(s);
	else
		mt_verify_eoh(s);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *b, size_t n)
{
	struct mt_session *s = session_of(ctx);

	if (s == NULL || !s->in_message)
		return SMFIS_TEMPFAIL;
	if (s->m.decision.mode == MT_MODE_SIGN)
		mt_sign_body(s, b, n);
	else
		mt_verify_body(s, b, n);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct mt_session *s = session_of(ctx);
	const char *qid;
	char log[1536];
	sfsistat r;

	if (s == NULL || !s->in_message)
		return SMFIS_TEMPFAIL;
	mt_stats_bump(&s->d->stats, MT_C_MESSAGES);
	log[0] = '\0';
	r = s->m.decision.mode == MT_MODE_SIGN ?
		mt_sign_eom(ctx, s, log, sizeof(log)) :
		mt_verify_eom(ctx, s, log, sizeof(log));
	if (r == SMFIS_TEMPFAIL && log[0] == '\0')
		return tempfail(ctx, s, "internal error at end of message");
	qid = smfi_getsymval(ctx, "i");
	if (qid == NULL)
		qid = smfi_getsymval(ctx, "{i}");
	/* the one line per message: queue id, client, decision, verdicts,
	 * action and reason */
	mt_log(s->d, MT_INFO, "%s: client=%s[%s] from=<%s> rcpt=<%s> %s; %s",
		qid ? qid : "NOQUEUE", s->host, s->ip[0] ? s->ip : "local",
		s->m.mail_from ? s->m.mail_from : "", s->m.rcpt,
		s->m.decision.why, log);
	message_reset(s);
	return r;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct mt_session *s = session_of(ctx);

	if (s != NULL)
		message_reset(s);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct mt_session *s = session_of(ctx);

	if (s == NULL)
		return SMFIS_CONTINUE;
	message_reset(s);
	smfi_setpriv(ctx, NULL);
	atomic_fetch_sub(&s->d->stats.active_sessions, 1);
	mt_state_unref(s->st);
	free(s);
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	"inkan-milter",
	SMFI_VERSION,
	SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_CHGFROM,
	cb_connect,
	cb_helo,
	cb_envfrom,
	cb_envrcpt,
	cb_header,
	cb_eoh,
	cb_body,
	cb_eom,
	cb_abort,
	cb_close,
	NULL,		/* unknown */
	NULL,		/* data */
	cb_negotiate,
};

struct smfiDesc *
mt_callbacks_desc(void)
{
	return &desc;
}
