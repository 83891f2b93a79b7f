/* SPDX-License-Identifier: MIT */
/*
 * selftest.c - Amazon SES's "send test email", without sending: does mail
 * from this set-up pass at a receiver?
 *
 * The sending flow and the receiving flow meet here. A test message From
 * the domain (RFC 5322 3.6: Date, From, Message-ID; a To at an RFC 2606
 * .invalid name so nobody could ever get it) is signed with the ACTIVE
 * keys of the state directory (inkan_domain_signing_keys_get(), the keys
 * the milter and `inkan sign --state` use), given the envelope of the
 * custom MAIL FROM (bounce@MAILFROM, RFC 5321 4.1.1.2) and a sending IP of
 * the identity, and handed to lib/verify as a receiver would get it. The
 * DNS answers come from the context's resolver: live DNS, or the zone
 * files of the records before they are published.
 *
 * It passes only when SPF, every DKIM signature and DMARC pass: DMARC
 * needs just one aligned pass, but a set-up that passes through one
 * identity alone breaks as soon as a forwarder or a key rotation touches
 * that one (Gmail's sender requirements ask for both, see check_summary.c).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/authres.h>
#include <inkan/verify.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "domain/domain_internal.h"

#define MSG_MAX (64 * 1024)	/* the test message: a few hundred bytes */
#define LINE_MAX_ 2048	/* a line or a fix with a 4096-bit key record */
#define ST_MAX_KEYS IK_DOMAIN_MAX_SELECTORS
#define ST_MAX_STRS (16 + 4 * ST_MAX_KEYS)	/* 9 + 4 per key at most */

struct inkan_domain_selftest {
	inkan_domain_selftest_result pub;	/* first: the public view */
	inkan_ctx *ctx;				/* borrowed */
	inkan_verify *v;			/* owns notes and authres */
	char *strs[ST_MAX_STRS];		/* owned strings */
	size_t nstrs;
	const char *dkim_lines[ST_MAX_KEYS];
	const char *advice[4];
	inkan_verify_note *notes;		/* owned copy, set-up fixes */
	inkan_status st;			/* first memory failure */
};

/* a copy kept with @t, NULL on failure (recorded in t->st) */
static const char *
keep(inkan_domain_selftest *t, ik_buf *b)
{
	char *s = NULL;

	if (t->st == INKAN_OK && t->nstrs == ST_MAX_STRS)
		t->st = INKAN_ERR_INTERNAL;
	if (t->st == INKAN_OK && ik_buf_take(b, &s, NULL) != INKAN_OK)
		t->st = INKAN_ERR_NOMEM;
	ik_buf_free(b);
	if (t->st != INKAN_OK) {
		ik_free(t->ctx, s);
		return NULL;
	}
	t->strs[t->nstrs++] = s;
	return s;
}

static const char *fmt(inkan_domain_selftest *t, const char *f, ...)
	__attribute__((format(printf, 2, 3)));

/* a printf result kept with @t; NULL on failure (in t->st) */
static const char *
fmt(inkan_domain_selftest *t, const char *f, ...)
{
	char line[LINE_MAX_];
	ik_buf buf;
	va_list ap;
	int n;

	/* after a failure an argument may be a NULL from an earlier call */
	if (t->st != INKAN_OK)
		return NULL;
	va_start(ap, f);
	n = vsnprintf(line, sizeof(line), f, ap);
	va_end(ap);
	ik_buf_init(&buf, t->ctx, LINE_MAX_);
	if ((n < 0 || ik_buf_puts(&buf, line) != INKAN_OK) &&
	    t->st == INKAN_OK)
		t->st = INKAN_ERR_NOMEM;
	return keep(t, &buf);
}

/* Gmail writes results upper case: "PASS", "SOFTFAIL" */
static const char *
upper(inkan_domain_selftest *t, const char *s)
{
	char tmp[32];
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < sizeof(tmp); i++)
		tmp[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) :
			s[i];
	tmp[i] = '\0';
	return fmt(t, "%s", tmp);
}

/* RFC 5322 3.3 date-time in UTC, without the locale's names */
static void
rfc5322_date(int64_t now, char *out, size_t len)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon",
		"Tue", "Wed" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t days = now >= 0 ? now / 86400 : 0, secs = now >= 0 ?
		now % 86400 : 0, z, era, doe, yoe, y, doy, mp, d, m;

	/* civil from days (proleptic Gregorian), 1970-01-01 a Thursday */
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, len, "%s, %d %s %04d %02d:%02d:%02d +0000",
		wd[days % 7], (int)d, mon[m - 1], (int)y, (int)(secs / 3600),
		(int)(secs / 60 % 60), (int)(secs % 60));
}

/* the first sending IP of the identity: the first host of its first
 * ip4/ip6 network (the address itself when it has no prefix, or one too
 * long to hold hosts), which SPF's ip4/ip6 match */
static int
first_ip(const inkan_domain_view *v, char *out, size_t len)
{
	unsigned char a[16];
	char addr[INET6_ADDRSTRLEN];
	const char *net, *slash;
	int v6, i;
	size_t n;
	unsigned long bits = 0;

	if (v->nspf_ips == 0)
		return 0;
	net = v->spf_ips[0];
	slash = strchr(net, '/');
	n = slash != NULL ? (size_t)(slash - net) : strlen(net);
	if (n == 0 || n >= sizeof(addr))
		return 0;
	memcpy(addr, net, n);
	addr[n] = '\0';
	v6 = strchr(addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, a) != 1)
		return 0;
	if (slash != NULL)
		bits = strtoul(slash + 1, NULL, 10);
	/* RFC 7208 5.6: the network matches every address in it; the
	 * network's own address is no host (for prefixes that have hosts) */
	if (slash != NULL && bits < (v6 ? 127u : 31u))
		for (i = v6 ? 15 : 3; i >= 0 && ++a[i] == 0; i--)
			;
	return inet_ntop(v6 ? AF_INET6 : AF_INET, a, out, (socklen_t)len) !=
		NULL;
}

static inkan_status
build_message(inkan_domain_selftest *t, const char *domain, ik_buf *m)
{
	char date[64];
	int64_t now = inkan_ctx_now(t->ctx);

	rfc5322_date(now, date, sizeof(date));
	return ik_buf_printf(m,
		"From: inkan selftest <selftest@%s>\r\n"
		"To: <nobody@selftest.invalid>\r\n"
		"Subject: inkan domain selftest for %s\r\n"
		"Date: %s\r\n"
		"Message-ID: <selftest.%lld@%s>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=us-ascii\r\n"
		"\r\n"
		"This message was made by `inkan domain selftest` to check the\r\n"
		"set-up of %s. It was never sent.\r\n",
		domain, domain, date, (long long)now, domain, domain);
}

/* sign @m with the ACTIVE keys; the signed message replaces @m */
static inkan_status
sign(inkan_domain_selftest *t, const inkan_domain_signing_keys *keys,
	ik_buf *m)
{
	inkan_key *loaded[ST_MAX_KEYS] = { NULL };
	inkan_dkim *dkim = NULL;
	inkan_msg *msg = NULL;
	inkan_dkim_sign *s = NULL;
	inkan_dkim_sign_key k;
	ik_buf out;
	const char *h;
	size_t i, len;
	inkan_status st;

	ik_buf_init(&out, t->ctx, MSG_MAX);
	st = inkan_dkim_new(t->ctx, &dkim);
	if (st == INKAN_OK)
		st = inkan_msg_new(t->ctx, &msg);
	if (st == INKAN_OK)
		st = inkan_dkim_sign_new(dkim, msg, &s);
	for (i = 0; i < keys->nkeys && i < ST_MAX_KEYS && st == INKAN_OK;
	    i++) {
		st = inkan_key_load_file(t->ctx, keys->keys[i].key_path,
			&loaded[i]);
		if (st != INKAN_OK)
			break;
		memset(&k, 0, sizeof(k));
		k.domain = keys->domain;
		k.selector = keys->keys[i].selector;
		k.key = loaded[i];
		st = inkan_dkim_sign_add(s, &k);
	}
	if (st == INKAN_OK)
		st = inkan_msg_feed(msg, m->data, m->len);
	if (st == INKAN_OK)
		st = inkan_msg_finish(msg);
	if (st == INKAN_OK)
		st = inkan_dkim_sign_eom(s);
	for (i = 0; st == INKAN_OK && i < inkan_dkim_sign_count(s); i++)
		if ((h = inkan_dkim_sign_header(s, i, &len)) != NULL)
			st = ik_buf_append(&out, h, len);
	if (st == INKAN_OK)
		st = ik_buf_append(&out, m->data, m->len);
	if (st == INKAN_OK) {
		ik_buf_free(m);
		*m = out;
	} else {
		ik_buf_free(&out);
	}
	inkan_dkim_sign_free(s);
	inkan_msg_free(msg);
	inkan_dkim_free(dkim);
	for (i = 0; i < ST_MAX_KEYS; i++)
		inkan_key_free(loaded[i]);
	return st;
}

/* a result left open by DNS (RFC 7208 2.6.6, RFC 6376 3.9, RFC 9989
 * 4.10): the test says nothing yet */
static int
temporary(const inkan_verify_result *r)
{
	size_t i;

	if ((r->spf != NULL && r->spf->result == INKAN_SPF_TEMPERROR) ||
	    r->dmarc->verdict == INKAN_DMARC_TEMPERROR)
		return 1;
	for (i = 0; i < r->ndkim; i++)
		if (r->dkim[i].verdict == INKAN_DKIM_TEMPERROR)
			return 1;
	return 0;
}

static int
all_pass(const inkan_verify_result *r)
{
	size_t i;

	if (r->outcome != INKAN_VERIFY_PASS || r->spf == NULL ||
	    r->spf->result != INKAN_SPF_PASS || r->ndkim == 0)
		return 0;
	for (i = 0; i < r->ndkim; i++)
		if (r->dkim[i].verdict != INKAN_DKIM_PASS)
			return 0;
	return 1;
}

/* what "Show original" shows, one line per method */
static void
shown(inkan_domain_selftest *t, const inkan_verify_result *r)
{
	inkan_domain_selftest_result *p = &t->pub;
	size_t i;

	p->spf = fmt(t, "%s with IP %s", upper(t, r->spf != NULL ?
		inkan_spf_result_name(r->spf->result) : "none"),
		p->client_ip);
	for (i = 0; i < r->ndkim && i < ST_MAX_KEYS; i++) {
		t->dkim_lines[i] = fmt(t, "'%s' with domain %s (selector %s)",
			upper(t, inkan_dkim_verdict_str(r->dkim[i].verdict)),
			r->dkim[i].domain, r->dkim[i].selector);
	}
	p->dkim = t->dkim_lines;
	p->ndkim = i;
	p->dmarc = fmt(t, "'%s'", upper(t,
		inkan_dmarc_verdict_name(r->dmarc->verdict)));
}

/* the record of @type at @name the identity would publish, or NULL */
static const inkan_domain_record *
record(const inkan_domain_records *rs, const char *name, uint16_t type)
{
	size_t i;

	for (i = 0; rs != NULL && i < rs->nrecords; i++)
		if (rs->records[i].type == type &&
		    strcmp(rs->records[i].name, name) == 0)
			return &rs->records[i];
	return NULL;
}

/*
 * The receiver's notes, with the fix said in the set-up's terms where
 * the identity knows the record that is missing: its exact text, and the
 * command that publishes it.
 */
static void
setup_fixes(inkan_domain_selftest *t, const inkan_domain *d,
	const inkan_verify_result *r)
{
	const inkan_domain_view *view = inkan_domain_get_view(d);
	inkan_domain_records *rs = NULL;
	const inkan_domain_record *rec;
	const char *name;
	size_t i, k;

	t->notes = ik_calloc(t->ctx, r->nnotes ? r->nnotes : 1,
		sizeof(*t->notes));
	if (t->notes == NULL) {
		t->st = INKAN_ERR_NOMEM;
		return;
	}
	memcpy(t->notes, r->notes, r->nnotes * sizeof(*t->notes));
	if (inkan_domain_records_make(d, &rs) != INKAN_OK)
		rs = NULL;
	for (i = 0; i < r->nnotes; i++) {
		inkan_verify_note *n = &t->notes[i];

		if (!n->problem)
			continue;
		if (strcmp(n->method, "spf") == 0 && r->spf != NULL &&
		    (r->spf->result == INKAN_SPF_NONE ||
		    r->spf->result == INKAN_SPF_PERMERROR) &&
		    (rec = record(rs, r->spf->domain, INKAN_DNS_TYPE_TXT)) !=
		    NULL)
			n->fix = fmt(t, "publish the SPF record of %s, TXT "
				"\"%s\" (`inkan domain publish %s`, or the "
				"zone from `inkan domain setup --format zone`)",
				rec->name, rec->value, view->domain);
		else if (strcmp(n->method, "spf") == 0 && r->spf != NULL &&
		    r->spf->result != INKAN_SPF_TEMPERROR)
			n->fix = fmt(t, "add %s to the identity (`inkan domain "
				"setup %s --spf-ip %s`) and publish again; "
				"`inkan domain check %s` shows what is "
				"published", t->pub.client_ip, view->domain,
				t->pub.client_ip, view->domain);
		/* notes: SPF, then one per signature, then DMARC */
		k = i - 1;
		if (strcmp(n->method, "dkim") != 0 || i == 0 ||
		    k >= r->ndkim)
			continue;
		name = fmt(t, "%s._domainkey.%s", r->dkim[k].selector,
			view->domain);
		rec = name != NULL ? record(rs, name, INKAN_DNS_TYPE_TXT) :
			NULL;
		if (rec == NULL)
			continue;
		if (r->dkim[k].reason == INKAN_DKIM_R_NO_KEY)
			n->fix = fmt(t, "publish the key record of selector "
				"%s, TXT \"%s\" at %s (`inkan domain publish "
				"%s`, or the zone from `inkan domain setup "
				"--format zone`)", r->dkim[k].selector,
				rec->value, rec->name, view->domain);
		else if (r->dkim[k].verdict != INKAN_DKIM_TEMPERROR)
			n->fix = fmt(t, "the key published at %s is not the "
				"identity's: publish it again (`inkan domain "
				"publish %s`)", rec->name, view->domain);
	}
	t->pub.notes = t->notes;
	inkan_domain_records_free(rs);
}

static inkan_status
run(inkan_domain_selftest *t, const char *state_dir,
	const inkan_domain_selftest_options *opt)
{
	inkan_domain *d = NULL;
	inkan_domain_signing_keys *keys = NULL;
	const inkan_domain_view *view;
	const inkan_verify_result *r;
	inkan_verify_options vo;
	inkan_verify_envelope env;
	char ip[64];
	ik_buf m;
	inkan_status st;

	ik_buf_init(&m, t->ctx, MSG_MAX);
	if ((st = inkan_domain_load(t->ctx, state_dir, &d, NULL, 0)) !=
	    INKAN_OK)
		return st;
	view = inkan_domain_get_view(d);
	if (opt != NULL && opt->client_ip != NULL)
		t->pub.client_ip = fmt(t, "%s", opt->client_ip);
	else if (first_ip(view, ip, sizeof(ip)))
		t->pub.client_ip = fmt(t, "%s", ip);
	else
		st = INKAN_ERR_INVALID;	/* no IP to send from */
	t->pub.from = fmt(t, "selftest@%s", view->domain);
	/* without a custom MAIL FROM the bounce address is at the domain */
	t->pub.mail_from = fmt(t, "bounce@%s", view->mail_from != NULL ?
		view->mail_from : view->domain);
	if (view->mail_from == NULL)
		t->advice[t->pub.nadvice++] = "no custom MAIL FROM is set up: "
			"SPF is checked for the domain itself; set one with "
			"`inkan domain setup --mail-from bounce`";
	if (st == INKAN_OK)
		st = inkan_domain_signing_keys_get(t->ctx, state_dir, &keys);
	if (st == INKAN_OK)
		st = build_message(t, view->domain, &m);
	if (st == INKAN_OK)
		st = sign(t, keys, &m);
	if (st == INKAN_OK && t->st != INKAN_OK)
		st = t->st;
	inkan_verify_options_init(&vo);
	vo.authserv_id = opt != NULL && opt->authserv_id != NULL ?
		opt->authserv_id : "selftest.invalid";
	vo.flags = INKAN_VERIFY_SPF_INLINE;
	/* a header to show, not to insert: LF line ends */
	vo.authres_style = INKAN_AUTHRES_STYLE_LF;
	if (st == INKAN_OK)
		st = inkan_verify_new(t->ctx, &vo, &t->v);
	memset(&env, 0, sizeof(env));
	env.client_ip = t->pub.client_ip;
	env.helo = view->mail_from_mx != NULL ? view->mail_from_mx :
		view->domain;
	env.mail_from = t->pub.mail_from;
	if (st == INKAN_OK)
		st = inkan_verify_set_envelope(t->v, &env);
	if (st == INKAN_OK)
		st = inkan_verify_feed(t->v, m.data, m.len);
	if (st == INKAN_OK)
		st = inkan_verify_eom(t->v, &r);
	if (st == INKAN_OK) {
		t->pub.message = keep(t, &m);
		shown(t, r);
		t->pub.passed = all_pass(r);
		t->pub.temporary = temporary(r);
		t->pub.outcome = r->outcome;
		t->pub.authres = r->authres;
		t->pub.nnotes = r->nnotes;
		setup_fixes(t, d, r);
		t->pub.advice = t->advice;
		st = t->st;
	}
	ik_buf_free(&m);
	inkan_domain_signing_keys_free(keys);
	inkan_domain_free(d);
	return st;
}

INKAN_API inkan_status
inkan_domain_selftest_run(inkan_ctx *ctx, const char *state_dir,
	const inkan_domain_selftest_options *opt, inkan_domain_selftest **out,
	const inkan_domain_selftest_result **res)
{
	inkan_domain_selftest *t;
	inkan_status st;

	if (out != NULL)
		*out = NULL;
	if (res != NULL)
		*res = NULL;
	if (ctx == NULL || state_dir == NULL || out == NULL || res == NULL)
		return INKAN_ERR_INVALID;
	if (inkan_ctx_resolver(ctx) == NULL)
		return INKAN_ERR_CONFIG;
	if ((t = ik_calloc(ctx, 1, sizeof(*t))) == NULL)
		return INKAN_ERR_NOMEM;
	t->ctx = ctx;
	if ((st = run(t, state_dir, opt)) != INKAN_OK) {
		inkan_domain_selftest_free(t);
		return st;
	}
	*out = t;
	*res = &t->pub;
	return INKAN_OK;
}

INKAN_API void
inkan_domain_selftest_free(inkan_domain_selftest *t)
{
	size_t i;

	if (t == NULL)
		return;
	inkan_verify_free(t->v);
	ik_free(t->ctx, t->notes);
	for (i = 0; i < t->nstrs; i++)
		ik_free(t->ctx, t->strs[i]);
	ik_free(t->ctx, t);
}
