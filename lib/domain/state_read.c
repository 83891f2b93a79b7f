/* SPDX-License-Identifier: MIT */
/*
 * state_read.c - the identity state file, read strictly.
 *
 * The file is local and written by inkan, but people edit it and a
 * truncated write or a stray byte must not turn into a wrong key being
 * used, so every line is checked and anything unknown is an error. The
 * format (docs/domain.md):
 *
 *   # comment lines and blank lines
 *   inkan-domain 1                      (first, exactly once)
 *   domain NAME                         (exactly once)
 *   ttl SECONDS
 *   mail-from NAME MX-HOST
 *   spf-include NAME                    (repeatable)
 *   spf-ip NETWORK                      (repeatable)
 *   spf-all ~all|-all
 *   dmarc-policy none|quarantine|reject
 *   dmarc-rua URI                       (repeatable)
 *   rotation none|generated|switched|revoked GRACE-SECONDS
 *   key SELECTOR rsa|ed25519 BITS STATE SINCE FILE|- PUBKEY|-
 *   event WHEN TEXT...                  (repeatable, oldest first)
 *
 * Bounds: the file is at most IK_DOMAIN_STATE_MAX bytes, a line at most
 * LINE_MAX_LEN, a line has at most 8 fields; the tables have the caps of
 * domain_internal.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/base64.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "domain/domain_internal.h"

#define LINE_MAX_LEN 2048
#define MAX_FIELDS 8

struct rd {
	inkan_ctx *ctx;
	inkan_domain *d;
	size_t line;
	char *err;
	size_t errlen;
	int seen_version, seen_ttl, seen_mf, seen_all, seen_pol, seen_rot;
};

static inkan_status
bad(struct rd *r, const char *msg)
{
	if (r->err != NULL && r->errlen > 0)
		snprintf(r->err, r->errlen, "%s:%zu: %s", IK_DOMAIN_STATE_FILE,
			r->line, msg);
	return INKAN_ERR_SYNTAX;
}

/*
 * split @s in place at single spaces; empty fields are an error. Every
 * one of the @max slots is written: those past *@n are NULL, so a line
 * handler that checks the count wrongly reads NULL, never stack garbage.
 */
static int
split(char *s, char **f, size_t max, size_t *n)
{
	size_t i;

	for (i = 0; i < max; i++)
		f[i] = NULL;
	*n = 0;
	for (;;) {
		char *sp;

		if (*s == '\0' || *s == ' ' || *n == max)
			return 0;
		f[(*n)++] = s;
		if ((sp = strchr(s, ' ')) == NULL)
			return 1;
		*sp = '\0';
		s = sp + 1;
	}
}

static int
num(const char *s, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!ik_is_digit((unsigned char)*s) || (s[0] == '0' && s[1] != '\0'))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > max)
		return 0;
	*out = v;
	return 1;
}

static int
pick(const char *s, const char *const *names, size_t n, int *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 1;
		}
	return 0;
}

static int
base64_ok(const char *s)
{
	size_t n = strlen(s), bytes;

	return n > 0 && n <= IK_DOMAIN_PUBKEY_MAX &&
		ik_b64_decode(s, n, 0, NULL, 0, &bytes) == INKAN_OK;
}

/* a key file name: the selector's own, in the directory (no '/') */
static int
file_ok(const char *f, const char *sel)
{
	size_t n = strlen(sel);

	return strncmp(f, sel, n) == 0 && strcmp(f + n, ".pem") == 0;
}

static inkan_status
key_line(struct rd *r, char **f, size_t n)
{
	static const char *const types[] = { "rsa", "ed25519" };
	static const char *const states[] = {
		"pending", "active", "retired", "revoked"
	};
	inkan_domain_selector s;
	int t, stt;
	int64_t bits, since;
	inkan_status st;

	if (n != 8)
		return bad(r, "key needs 7 fields");
	memset(&s, 0, sizeof(s));
	if (!ik_domain_selector_ok(f[1]))
		return bad(r, "bad selector");
	if (!pick(f[2], types, 2, &t))
		return bad(r, "key type is rsa or ed25519");
	if (!num(f[3], 16384, &bits) ||
	    (t == INKAN_KEY_ED25519 ? bits != 256 : bits < 512))
		return bad(r, "bad key size");
	if (!pick(f[4], states, 4, &stt))
		return bad(r, "key state is pending, active, retired or revoked");
	if (!num(f[5], INT64_C(253402300799), &since))
		return bad(r, "bad time");
	if (strcmp(f[6], "-") != 0 && !file_ok(f[6], f[1]))
		return bad(r, "the key file must be SELECTOR.pem");
	if (stt == INKAN_DOMAIN_KEY_REVOKED ? strcmp(f[7], "-") != 0 :
	    !base64_ok(f[7]))
		return bad(r, "bad public key (base64, \"-\" when revoked)");
	if (stt != INKAN_DOMAIN_KEY_REVOKED && strcmp(f[6], "-") == 0)
		return bad(r, "a key in use needs its key file");
	s.selector = f[1];
	s.type = (inkan_key_type)t;
	s.bits = (unsigned)bits;
	s.state = (inkan_domain_key_state)stt;
	s.since = since;
	s.key_file = strcmp(f[6], "-") == 0 ? NULL : f[6];
	s.public_key = strcmp(f[7], "-") == 0 ? "" : f[7];
	st = ik_domain_add_selector(r->d, &s);
	if (st == INKAN_ERR_LIMIT)
		return bad(r, "too many keys");
	if (st == INKAN_ERR_INVALID)
		return bad(r, "selector listed twice");
	return st;
}

static inkan_status
once(struct rd *r, int *seen)
{
	if (*seen)
		return bad(r, "given twice");
	*seen = 1;
	return INKAN_OK;
}

static inkan_status
syntax_or(struct rd *r, inkan_status st, const char *msg)
{
	if (st == INKAN_OK || st == INKAN_ERR_NOMEM)
		return st;
	return bad(r, st == INKAN_ERR_LIMIT ? "too many entries" : msg);
}

static inkan_status
rest_line(struct rd *r, char **f, size_t n)
{
	static const char *const pols[] = { "none", "quarantine", "reject" };
	static const char *const rots[] = {
		"none", "generated", "switched", "revoked"
	};
	inkan_domain *d = r->d;
	int64_t v, w;
	int i;
	inkan_status st;

	if (strcmp(f[0], "ttl") == 0) {
		if (n != 2 || (st = once(r, &r->seen_ttl)) != INKAN_OK)
			return n != 2 ? bad(r, "ttl SECONDS") : st;
		if (!num(f[1], 86400, &v) || v < 60)
			return bad(r, "ttl is 60..86400");
		d->view.ttl = (uint32_t)v;
	} else if (strcmp(f[0], "mail-from") == 0) {
		if (n != 3 || (st = once(r, &r->seen_mf)) != INKAN_OK)
			return n != 3 ? bad(r, "mail-from NAME MX-HOST") : st;
		return syntax_or(r, inkan_domain_set_mail_from(d, f[1], f[2]),
			"mail-from must be a subdomain, with an MX host");
	} else if (strcmp(f[0], "spf-include") == 0 && n == 2) {
		return syntax_or(r, inkan_domain_add_spf_include(d, f[1]),
			"bad spf-include");
	} else if (strcmp(f[0], "spf-ip") == 0 && n == 2) {
		return syntax_or(r, inkan_domain_add_spf_ip(d, f[1]),
			"bad spf-ip");
	} else if (strcmp(f[0], "spf-all") == 0) {
		if (n != 2 || (st = once(r, &r->seen_all)) != INKAN_OK)
			return n != 2 ? bad(r, "spf-all ~all|-all") : st;
		if (strcmp(f[1], "~all") != 0 && strcmp(f[1], "-all") != 0)
			return bad(r, "spf-all is ~all or -all");
		d->view.spf_hard_fail = f[1][0] == '-';
	} else if (strcmp(f[0], "dmarc-policy") == 0) {
		if (n != 2 || (st = once(r, &r->seen_pol)) != INKAN_OK)
			return n != 2 ? bad(r, "dmarc-policy POLICY") : st;
		if (!pick(f[1], pols, 3, &i))
			return bad(r, "policy is none, quarantine or reject");
		d->view.dmarc_policy = (inkan_dmarc_policy)(i + 1);
	} else if (strcmp(f[0], "dmarc-rua") == 0 && n == 2) {
		return syntax_or(r, inkan_domain_add_dmarc_rua(d, f[1]),
			"rua must be a plain mailto: URI");
	} else if (strcmp(f[0], "rotation") == 0) {
		if (n != 3 || (st = once(r, &r->seen_rot)) != INKAN_OK)
			return n != 3 ? bad(r, "rotation STEP GRACE") : st;
		if (!pick(f[1], rots, 4, &i) || !num(f[2], 366 * 86400, &w))
			return bad(r, "bad rotation step or grace");
		return ik_domain_set_rotation(d, (inkan_domain_rotation)i, w);
	} else if (strcmp(f[0], "key") == 0) {
		return key_line(r, f, n);
	} else {
		return bad(r, "unknown or malformed line");
	}
	return INKAN_OK;
}

static inkan_status
event_line(struct rd *r, char *line)
{
	char *sp1 = strchr(line, ' '), *sp2;
	int64_t when;

	if (sp1 == NULL || (sp2 = strchr(sp1 + 1, ' ')) == NULL)
		return bad(r, "event WHEN TEXT");
	*sp2 = '\0';
	if (!num(sp1 + 1, INT64_C(253402300799), &when) ||
	    strlen(sp2 + 1) > IK_DOMAIN_TEXT_MAX)
		return bad(r, "bad event");
	return ik_domain_event(r->d, when, "%s", sp2 + 1);
}

static inkan_status
one_line(struct rd *r, char *line, size_t len)
{
	char *f[MAX_FIELDS + 1];
	char norm[IK_DOMAIN_NAME_MAX + 1];
	size_t n, i;
	inkan_status st;

	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == 0x7f ||
		    (unsigned char)line[i] >= 0x80)
			return bad(r, "control or non-ASCII byte");
	if (len == 0 || line[0] == '#')
		return INKAN_OK;
	if (!r->seen_version) {
		if (strcmp(line, "inkan-domain 1") != 0)
			return bad(r, "not an inkan identity (\"inkan-domain 1\" "
				"first)");
		r->seen_version = 1;
		return INKAN_OK;
	}
	if (strncmp(line, "event ", 6) == 0) {
		if (r->d == NULL)
			return bad(r, "domain must come first");
		return event_line(r, line);
	}
	if (line[len - 1] == ' ' || !split(line, f, MAX_FIELDS + 1, &n) ||
	    n > MAX_FIELDS)
		return bad(r, "fields are separated by one space");
	if (strcmp(f[0], "domain") == 0) {
		if (n != 2 || r->d != NULL)
			return bad(r, "one domain line, first");
		st = inkan_domain_new(r->ctx, f[1], &r->d);
		/* written normalised: lower case, no final dot */
		if (st == INKAN_OK)
			st = ik_domain_norm(r->ctx, f[1], norm);
		if (st == INKAN_OK && strcmp(norm, f[1]) != 0)
			st = INKAN_ERR_SYNTAX;
		return syntax_or(r, st, "bad domain");
	}
	if (r->d == NULL)
		return bad(r, "domain must come first");
	return rest_line(r, f, n);
}

inkan_status
ik_domain_state_parse(inkan_ctx *ctx, const char *text, size_t len,
	inkan_domain **out, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 1];
	struct rd r;
	size_t pos = 0;
	inkan_status st = INKAN_OK;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > IK_DOMAIN_STATE_MAX)
		return INKAN_ERR_LIMIT;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.err = err;
	r.errlen = errlen;
	while (pos < len && st == INKAN_OK) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		r.line++;
		if (n > LINE_MAX_LEN) {
			st = bad(&r, "line too long");
			break;
		}
		if (nl == NULL) {
			st = bad(&r, "the last line has no newline (truncated?)");
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (memchr(line, '\0', n) != NULL)
			st = bad(&r, "NUL byte");
		else
			st = one_line(&r, line, n);
		pos += n + 1;
	}
	if (st == INKAN_OK && r.d == NULL) {
		r.line++;
		st = bad(&r, "no domain line");
	}
	if (st != INKAN_OK) {
		inkan_domain_free(r.d);
		return st;
	}
	*out = r.d;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_domain_load(inkan_ctx *ctx, const char *state_dir, inkan_domain **out,
	char *err, size_t errlen)
{
	char path[4096];
	char *buf;
	size_t len;
	inkan_status st;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || state_dir == NULL)
		return INKAN_ERR_INVALID;
	if ((st = ik_domain_path(path, sizeof(path), state_dir,
	    IK_DOMAIN_STATE_FILE)) != INKAN_OK)
		return st;
	st = ik_file_read(ctx, path, IK_DOMAIN_STATE_MAX, 0, &buf, &len);
	if (st != INKAN_OK)
		return st;
	st = ik_domain_state_parse(ctx, buf, len, out, err, errlen);
	ik_file_free(ctx, buf, len, 0);
	return st;
}
