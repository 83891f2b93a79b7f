/* SPDX-License-Identifier: MIT */
/*
 * sign.c - a message the milter signs: the From domain's ACTIVE keys
 * (RSA and Ed25519 in one pass over the body), the re-injection check,
 * and the custom MAIL FROM rewrite.
 *
 * Which key: the From header's single author domain, with its own keys;
 * without keys, default_signing_domain's keys when configured, else no
 * signature. Never a key of another domain by accident.
 *
 * Re-injection: a message that comes back through the MTA (a content
 * filter, a list expander) already carries our signature. When a
 * DKIM-Signature has d= and s= of one of our ACTIVE keys for the domain
 * and a t= within resign_window, the message is not signed again.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <inkan/address.h>

#include "mail_from.h"
#include "session.h"

int
mt_sign_start(struct mt_session *s)
{
	return inkan_msg_new(s->st->ctx, &s->m.msg) == INKAN_OK ? 0 : -1;
}

int
mt_sign_header(struct mt_session *s, const char *name, const char *v)
{
	inkan_status st;

	if (s->m.error != INKAN_OK)
		return -1;
	st = inkan_msg_add_header(s->m.msg, name, v);
	if (st != INKAN_OK)
		s->m.error = st;
	return st == INKAN_OK ? 0 : -1;
}

/* One tag of a DKIM tag-list (RFC 6376 3.2), white space removed, into
 * @out; 0 when present. */
static int
tag_value(const char *list, size_t len, const char *tag, char *out,
	size_t cap)
{
	size_t i = 0, tl = strlen(tag), o;

	while (i < len) {
		while (i < len && strchr(" \t\r\n;", list[i]) != NULL)
			i++;
		if (len - i > tl && strncmp(list + i, tag, tl) == 0) {
			size_t j = i + tl;

			while (j < len && strchr(" \t\r\n", list[j]) != NULL)
				j++;
			if (j < len && list[j] == '=') {
				for (o = 0, j++; j < len && list[j] != ';';
				    j++)
					if (strchr(" \t\r\n", list[j]) ==
					    NULL && o + 1 < cap)
						out[o++] = list[j];
				out[o] = '\0';
				return 0;
			}
		}
		while (i < len && list[i] != ';')
			i++;
	}
	return -1;
}

/* 1 when the message carries a fresh signature of one of @kd's keys. */
static int
already_signed(struct mt_session *s, const struct mt_key_domain *kd)
{
	const inkan_header *h;
	char d[256], sel[64], t[24];
	const char *val;
	size_t n, len, i, k;
	int64_t now = inkan_ctx_now(s->st->ctx), ts;

	n = inkan_msg_count_named(s->m.msg, "DKIM-Signature");
	for (i = 0; i < n && i < 64; i++) {
		h = inkan_msg_find(s->m.msg, "DKIM-Signature", i);
		if (h == NULL)
			break;
		val = inkan_header_value(h, &len);
		if (tag_value(val, len, "d", d, sizeof(d)) != 0 ||
		    tag_value(val, len, "s", sel, sizeof(sel)) != 0 ||
		    tag_value(val, len, "t", t, sizeof(t)) != 0 ||
		    strcasecmp(d, kd->domain) != 0)
			continue;
		/* RFC 6376 3.5 t=: 1*12DIGIT; anything else is not ours */
		if (t[0] == '\0' || strlen(t) > 12 ||
		    strspn(t, "0123456789") != strlen(t))
			continue;
		ts = strtoll(t, NULL, 10);
		if (ts < now - (int64_t)s->st->cfg->resign_window ||
		    ts > now + 300)
			continue;
		for (k = 0; k < kd->nkeys; k++)
			if (strcmp(kd->keys[k].selector, sel) == 0) {
				snprintf(s->m.sign_note, sizeof(s->m.sign_note),
					"not signed: already carries our "
					"signature d=%.100s s=%.40s from %llds ago "
					"(re-injection)", d, sel,
					(long long)(now - ts));
				return 1;
			}
	}
	return 0;
}

static const struct mt_key_domain *
pick_keys(struct mt_session *s)
{
	const struct mt_config *c = s->st->cfg;
	inkan_authors *a = NULL;
	const struct mt_key_domain *kd;

	if (inkan_authors_from_msg(s->st->ctx, s->m.msg, &a) != INKAN_OK ||
	    inkan_authors_domain_count(a) != 1) {
		snprintf(s->m.sign_note, sizeof(s->m.sign_note), "not signed: "
			"the From field does not name exactly one domain");
		inkan_authors_free(a);
		return NULL;
	}
	snprintf(s->m.from_domain, sizeof(s->m.from_domain), "%s",
		inkan_authors_domain_at(a, 0));
	inkan_authors_free(a);
	kd = mt_keys_find(s->st->keys, s->m.from_domain);
	if (kd == NULL && c->default_signing_domain != NULL)
		kd = mt_keys_find(s->st->keys, c->default_signing_domain);
	if (kd == NULL)
		snprintf(s->m.sign_note, sizeof(s->m.sign_note), "not signed: "
			"no key for From domain %.100s and no "
			"default_signing_domain", s->m.from_domain);
	return kd;
}

int
mt_sign_eoh(struct mt_session *s)
{
	const struct mt_key_domain *kd;
	inkan_dkim_sign_key k;
	inkan_status st;
	size_t i;

	if (s->m.error != INKAN_OK)
		return -1;
	st = inkan_msg_end_headers(s->m.msg);
	if (st != INKAN_OK) {
		s->m.error = st;
		return -1;
	}
	kd = pick_keys(s);
	if (kd == NULL || already_signed(s, kd))
		return 0;
	st = inkan_dkim_sign_new(s->st->dkim, s->m.msg, &s->m.signer);
	for (i = 0; st == INKAN_OK && i < kd->nkeys; i++) {
		memset(&k, 0, sizeof(k));
		k.domain = kd->domain;
		k.selector = kd->keys[i].selector;
		k.key = kd->keys[i].key;
		st = inkan_dkim_sign_add(s->m.signer, &k);
	}
	if (st != INKAN_OK) {
		s->m.error = st;
		return -1;
	}
	s->m.keys = kd;
	return 0;
}

int
mt_sign_body(struct mt_session *s, const unsigned char *b, size_t n)
{
	inkan_status st;

	if (s->m.error != INKAN_OK)
		return -1;
	st = inkan_msg_add_body(s->m.msg, b, n);
	if (st != INKAN_OK)
		s->m.error = st;
	return st == INKAN_OK ? 0 : -1;
}

/* Custom MAIL FROM; returns SMFIS_CONTINUE, or SMFIS_TEMPFAIL when the
 * subdomain is broken and the fallback says so. */
static sfsistat
rewrite_mail_from(SMFICTX *ctx, struct mt_session *s, char *note,
	size_t len)
{
	const struct mt_mail_from *mf;
	const char *why;
	char addr[600], bracketed[610];
	size_t i;

	note[0] = '\0';
	mf = mt_mail_from_find(s->st->cfg, s->m.from_domain, &i);
	if (mf == NULL)
		return SMFIS_CONTINUE;
	if (!atomic_load(&s->st->mail_from_ok[i])) {
		mt_stats_bump(&s->d->stats, MT_C_MAIL_FROM_FALLBACK);
		if (mt_mail_from_fallback_of(s->st->cfg, i) ==
		    MT_MAIL_FROM_TEMPFAIL) {
			snprintf(note, len, " mail_from=tempfail (%s has no "
				"working MX/SPF)", mf->sub);
			smfi_setreply(ctx, "451", "4.7.0", "MAIL FROM domain "
				"not ready, try again later");
			return SMFIS_TEMPFAIL;
		}
		snprintf(note, len, " mail_from=kept (%s has no working "
			"MX/SPF)", mf->sub);
		return SMFIS_CONTINUE;
	}
	if (mt_mail_from_rewrite(s->m.mail_from, mf->sub, addr, sizeof(addr),
	    &why) != 0) {
		snprintf(note, len, " mail_from=kept (%s)", why);
		return SMFIS_CONTINUE;
	}
	snprintf(bracketed, sizeof(bracketed), "<%s>", addr);
	if (smfi_chgfrom(ctx, bracketed, NULL) != MI_SUCCESS)
		return SMFIS_TEMPFAIL;
	mt_stats_bump(&s->d->stats, MT_C_MAIL_FROM_REWRITTEN);
	snprintf(note, len, " mail_from=%s", addr);
	return SMFIS_CONTINUE;
}

sfsistat
mt_sign_eom(SMFICTX *ctx, struct mt_session *s, char *log, size_t loglen)
{
	char mfnote[700], sels[200];
	const char *h;
	size_t i, n, o = 0;
	inkan_status st;
	sfsistat r;

	if (s->m.error == INKAN_OK &&
	    (st = inkan_msg_finish(s->m.msg)) != INKAN_OK)
		s->m.error = st;
	if (s->m.error == INKAN_OK && s->m.signer != NULL &&
	    (st = inkan_dkim_sign_eom(s->m.signer)) != INKAN_OK)
		s->m.error = st;
	if (mt_status_is_message_bound(s->m.error)) {
		snprintf(log, loglen, "action=reject (%s)",
			inkan_strerror(s->m.error));
		mt_stats_bump(&s->d->stats, MT_C_REJECT);
		smfi_setreply(ctx, "550", "5.7.0", "message header over the "
			"limits of this server");
		return SMFIS_REJECT;
	}
	if (s->m.error != INKAN_OK) {
		snprintf(log, loglen, "action=tempfail (signing failed: %s)",
			inkan_strerror(s->m.error));
		mt_stats_bump(&s->d->stats, MT_C_INTERNAL_ERRORS);
		mt_stats_bump(&s->d->stats, MT_C_TEMPFAIL);
		smfi_setreply(ctx, "451", "4.3.0", "inkan-milter: message "
			"could not be signed, try again later");
		return SMFIS_TEMPFAIL;
	}
	r = rewrite_mail_from(ctx, s, mfnote, sizeof(mfnote));
	if (r != SMFIS_CONTINUE) {
		snprintf(log, loglen, "action=tempfail%s", mfnote);
		mt_stats_bump(&s->d->stats, MT_C_TEMPFAIL);
		return r;
	}
	sels[0] = '\0';
	n = s->m.signer != NULL ? inkan_dkim_sign_count(s->m.signer) : 0;
	/* the signatures go on top in order: field 0 first, so insert the
	 * last one first */
	for (i = n; i-- > 0;) {
		h = inkan_dkim_sign_header(s->m.signer, i, NULL);
		if (h == NULL || strncasecmp(h, "DKIM-Signature:", 15) != 0 ||
		    mt_session_insert_header(ctx, s, "DKIM-Signature",
		    h + 15) != 0) {
			snprintf(log, loglen, "action=tempfail (cannot add "
				"the signature)");
			mt_stats_bump(&s->d->stats, MT_C_TEMPFAIL);
			return SMFIS_TEMPFAIL;
		}
	}
	for (i = 0; s->m.keys != NULL && i < s->m.keys->nkeys; i++)
		o += (size_t)snprintf(sels + o, o < sizeof(sels) ?
			sizeof(sels) - o : 0, "%s%s", i ? "," : "",
			s->m.keys->keys[i].selector);
	if (n > 0) {
		mt_stats_bump(&s->d->stats, MT_C_SIGNED);
		snprintf(log, loglen, "signed d=%s s=%s%s action=accept",
			s->m.keys->domain, sels, mfnote);
	} else {
		mt_stats_bump(&s->d->stats, MT_C_SIGN_SKIPPED);
		snprintf(log, loglen, "%s%s action=accept", s->m.sign_note,
			mfnote);
	}
	mt_stats_bump(&s->d->stats, MT_C_ACCEPT);
	return SMFIS_CONTINUE;
}
