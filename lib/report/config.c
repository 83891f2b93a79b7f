/* SPDX-License-Identifier: MIT */
/*
 * config.c - the report sender's configuration file: "key = value" lines.
 *
 * Untrusted in the sense that it is hand-edited: bounded in size, line
 * length and entries, every value checked, and every error names its
 * line (fuzz/fuzz_report_config.c). Values are kept as given; the sender
 * checks paths and addresses when it uses them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "report/store_internal.h"

#define CFG_MAX_BYTES (64u * 1024u)
#define CFG_MAX_LINE 4096
#define CFG_MAX_DENY 256

struct inkan_report_config {
	inkan_ctx *ctx;
	inkan_report_settings s;
	/* owned strings: every value, freed together */
	char **strs;
	size_t nstrs, capstrs;
	const char **deny;
	size_t ndeny;
};

static char *
keep(inkan_report_config *c, const char *v, size_t n)
{
	if (c->nstrs == c->capstrs) {
		size_t cap = c->capstrs ? c->capstrs * 2 : 16;
		char **p = ik_reallocarray(c->ctx, c->strs, cap, sizeof *p);
		if (!p)
			return NULL;
		c->strs = p;
		c->capstrs = cap;
	}
	char *s = ik_strndup(c->ctx, v, n);
	if (s)
		c->strs[c->nstrs++] = s;
	return s;
}

inkan_status
inkan_report_config_new(inkan_ctx *ctx, inkan_report_config **out)
{
	inkan_report_config *c = ik_calloc(ctx, 1, sizeof *c);
	if (!c)
		return INKAN_ERR_NOMEM;
	c->ctx = ctx;
	c->s.sendmail = "/usr/sbin/sendmail";
	c->s.rate_cap = 100;
	c->s.failure_rate = 10;
	c->s.size_cap = 10u * 1024u * 1024u;
	c->s.retention_days = 30;
	c->s.format = INKAN_REPORT_FORMAT_RFC9990;
	*out = c;
	return INKAN_OK;
}

void
inkan_report_config_free(inkan_report_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nstrs; i++)
		ik_free(c->ctx, c->strs[i]);
	ik_free(c->ctx, c->strs);
	ik_free(c->ctx, c->deny);
	ik_free(c->ctx, c);
}

const inkan_report_settings *
inkan_report_config_settings(const inkan_report_config *c)
{
	return &c->s;
}

static int
num(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!*v)
		return -1;
	uint64_t n = 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* a value that goes into a header field or a command's argument: no
 * control characters, no spaces at the ends (trimmed already) */
static int
clean(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static inkan_status
set(inkan_report_config *c, const char *k, const char *v, char *why,
	size_t wl)
{
	static const char *const strkeys[] = { "org_name", "email",
	    "receiver", "extra_contact_info", "from", "dkim_domain",
	    "dkim_selector", "dkim_key", "sendmail", "relay" };
	if (!clean(v)) {
		snprintf(why, wl, "%s: control character in the value", k);
		return INKAN_ERR_SYNTAX;
	}
	for (size_t i = 0; i < sizeof strkeys / sizeof strkeys[0]; i++) {
		if (strcmp(k, strkeys[i]) != 0)
			continue;
		if (!*v) {
			snprintf(why, wl, "%s: empty value", k);
			return INKAN_ERR_SYNTAX;
		}
		char *s = keep(c, v, strlen(v));
		if (!s)
			return INKAN_ERR_NOMEM;
		const char **slot[] = { &c->s.reporter.org_name,
		    &c->s.reporter.email, &c->s.reporter.receiver,
		    &c->s.reporter.extra_contact_info, &c->s.from,
		    &c->s.dkim_domain, &c->s.dkim_selector, &c->s.dkim_key,
		    &c->s.sendmail, &c->s.relay };
		*slot[i] = s;
		if ((i == 1 || i == 4) && !strchr(s, '@')) {
			snprintf(why, wl, "%s: not an address", k);
			return INKAN_ERR_SYNTAX;
		}
		if ((i == 7 || i == 8) && s[0] != '/') {
			snprintf(why, wl, "%s: must be an absolute path", k);
			return INKAN_ERR_SYNTAX;
		}
		return INKAN_OK;
	}
	if (strcmp(k, "deny") == 0) {
		if (!*v || strchr(v, ' ') || strchr(v, ',')) {
			snprintf(why, wl, "deny: one address or domain per line");
			return INKAN_ERR_SYNTAX;
		}
		if (c->ndeny >= CFG_MAX_DENY) {
			snprintf(why, wl, "deny: more than %d entries",
			    CFG_MAX_DENY);
			return INKAN_ERR_LIMIT;
		}
		const char **d = ik_reallocarray(c->ctx, c->deny, c->ndeny + 1,
		    sizeof *d);
		if (!d)
			return INKAN_ERR_NOMEM;
		c->deny = d;
		if (!(d[c->ndeny] = keep(c, v, strlen(v))))
			return INKAN_ERR_NOMEM;
		c->ndeny++;
		c->s.deny = c->deny;
		c->s.ndeny = c->ndeny;
		return INKAN_OK;
	}
	struct { const char *k; uint64_t min, max; uint64_t *dst; } nk[] = {
		{ "rate_cap", 1, 1000000, &c->s.rate_cap },
		{ "failure_rate", 1, 1000000, &c->s.failure_rate },
		{ "size_cap", 1024, 1u << 30, &c->s.size_cap },
		{ "retention_days", 1, 3650, &c->s.retention_days },
	};
	for (size_t i = 0; i < sizeof nk / sizeof nk[0]; i++) {
		if (strcmp(k, nk[i].k) != 0)
			continue;
		if (num(v, nk[i].min, nk[i].max, nk[i].dst) != 0) {
			snprintf(why, wl, "%s: not a number from %llu to %llu",
			    k, (unsigned long long)nk[i].min,
			    (unsigned long long)nk[i].max);
			return INKAN_ERR_SYNTAX;
		}
		return INKAN_OK;
	}
	if (strcmp(k, "format") == 0) {
		if (strcmp(v, "9990") == 0)
			c->s.format = INKAN_REPORT_FORMAT_RFC9990;
		else if (strcmp(v, "7489") == 0)
			c->s.format = INKAN_REPORT_FORMAT_RFC7489;
		else {
			snprintf(why, wl, "format: 9990 or 7489");
			return INKAN_ERR_SYNTAX;
		}
		return INKAN_OK;
	}
	snprintf(why, wl, "unknown key '%.40s'", k);
	return INKAN_ERR_SYNTAX;
}

inkan_status
inkan_report_config_set(inkan_report_config *c, const char *key,
	const char *value, char *err, size_t errlen)
{
	char why[200] = "";
	inkan_status st = set(c, key, value, why, sizeof why);
	if (st != INKAN_OK && err && errlen)
		snprintf(err, errlen, "%s", why);
	return st;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

inkan_status
inkan_report_config_parse(inkan_ctx *ctx, const char *text, size_t len,
	inkan_report_config **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (len > CFG_MAX_BYTES) {
		if (err && errlen)
			snprintf(err, errlen, "larger than %u bytes",
			    CFG_MAX_BYTES);
		return INKAN_ERR_LIMIT;
	}
	inkan_report_config *c;
	inkan_status st = inkan_report_config_new(ctx, &c);
	if (st != INKAN_OK)
		return st;
	size_t pos = 0;
	unsigned lineno = 0;
	char line[CFG_MAX_LINE + 1];
	char why[200];
	while (pos < len && st == INKAN_OK) {
		lineno++;
		size_t e = pos;
		while (e < len && text[e] != '\n')
			e++;
		size_t n = e - pos;
		why[0] = '\0';
		if (n > CFG_MAX_LINE) {
			st = INKAN_ERR_LIMIT;
			snprintf(why, sizeof why, "line longer than %d bytes",
			    CFG_MAX_LINE);
		} else if (memchr(text + pos, '\0', n)) {
			st = INKAN_ERR_SYNTAX;
			snprintf(why, sizeof why, "NUL byte");
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			char *hash = strchr(line, '#');
			if (hash)
				*hash = '\0';
			char *b = line;
			while (is_space(*b))
				b++;
			char *end = b + strlen(b);
			while (end > b && is_space(end[-1]))
				*--end = '\0';
			if (*b) {
				char *eq = strchr(b, '=');
				if (!eq) {
					st = INKAN_ERR_SYNTAX;
					snprintf(why, sizeof why,
					    "expected key = value");
				} else {
					char *ke = eq;
					while (ke > b && is_space(ke[-1]))
						ke--;
					*ke = '\0';
					char *v = eq + 1;
					while (is_space(*v))
						v++;
					st = set(c, b, v, why, sizeof why);
				}
			}
		}
		pos = e < len ? e + 1 : e;
	}
	if (st != INKAN_OK) {
		if (err && errlen)
			snprintf(err, errlen, "line %u: %s", lineno, why);
		inkan_report_config_free(c);
		return st;
	}
	*out = c;
	return INKAN_OK;
}

inkan_status
inkan_report_config_load(inkan_ctx *ctx, const char *path,
	inkan_report_config **out, char *err, size_t errlen)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return INKAN_ERR_IO;
	}
	char *buf = ik_malloc(ctx, CFG_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return INKAN_ERR_NOMEM;
	}
	size_t n = fread(buf, 1, CFG_MAX_BYTES + 1, f);
	int bad = ferror(f);
	fclose(f);
	inkan_status st;
	if (bad) {
		if (err && errlen)
			snprintf(err, errlen, "%s: read error", path);
		st = INKAN_ERR_IO;
	} else {
		char e2[256] = "";
		st = inkan_report_config_parse(ctx, buf, n, out, e2,
		    sizeof e2);
		if (st != INKAN_OK && err && errlen)
			snprintf(err, errlen, "%s: %s", path, e2);
	}
	ik_free(ctx, buf);
	return st;
}
