/* SPDX-License-Identifier: MIT */
/*
 * config.c - the strict parser of inkan-milter.conf(5).
 *
 * A table names every key with its kind and bounds; a line whose key is
 * not in the table, whose value does not fit its kind, or that sets a
 * scalar twice is an error with its line number. Nothing is guessed: a
 * misspelt key must not silently leave a default in place (the class of
 * mistake that leaves a milter signing nothing, or everything).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_internal.h"

enum kind {
	K_STRING,	/* any text without control characters */
	K_SOCKET,	/* unix:PATH or inet:PORT@ADDR */
	K_NAME,		/* a domain name */
	K_UINT,
	K_MODE,		/* octal file mode */
	K_BOOL,
	K_ENUM,
	K_NETS,		/* list of networks */
	K_NAMES,	/* list of domain names */
	K_WORDS,	/* list of words ([A-Za-z0-9._-]) */
	K_SIGN_DOMAIN,	/* DOMAIN DIR, repeatable */
	K_MAIL_FROM	/* DOMAIN SUBDOMAIN, repeatable */
};

struct key {
	const char *name;
	enum kind kind;
	size_t off;		/* offset of the field in struct mt_config */
	size_t count_off;	/* lists: offset of the count */
	unsigned min, max;	/* K_UINT bounds */
	const char *const *names;	/* K_ENUM/K_BOOL spellings */
};

static const char *const bool_names[] = { "no", "yes", NULL };
static const char *const temperror_names[] = { "tempfail", "accept", NULL };
static const char *const quarantine_names[] = { "hold", "header", NULL };
static const char *const fallback_names[] = { "keep", "tempfail", NULL };
static const char *const log_names[] = { "syslog", "stderr", NULL };

#define F(field) offsetof(struct mt_config, field)
#define S(name, kind, field) { name, kind, F(field), 0, 0, 0, NULL }
#define U(name, field, lo, hi) { name, K_UINT, F(field), 0, lo, hi, NULL }
#define E(name, field, names) { name, K_ENUM, F(field), 0, 0, 0, names }
#define L(name, kind, field, count) \
	{ name, kind, F(field), F(count), 0, 0, NULL }

static const struct key keys[] = {
	S("socket", K_SOCKET, socket),
	S("socket_mode", K_MODE, socket_mode),
	S("socket_group", K_STRING, socket_group),
	S("user", K_STRING, user),
	S("pid_file", K_STRING, pid_file),
	E("log", log, log_names),
	E("log_debug", log_debug, bool_names),
	S("dns_server", K_STRING, dns_server),
	U("dns_timeout_ms", dns_timeout_ms, 100, 60000),
	S("authserv_id", K_NAME, authserv_id),
	E("received_spf", received_spf, bool_names),
	E("spf_thread", spf_thread, bool_names),
	E("on_temperror", on_temperror, temperror_names),
	E("quarantine", quarantine, quarantine_names),
	L("monitor_domains", K_NAMES, monitor_domains, nmonitor_domains),
	L("trusted_forwarders", K_NETS, trusted_forwarders,
		ntrusted_forwarders),
	L("arc_trusted_sealers", K_NAMES, arc_trusted_sealers,
		narc_trusted_sealers),
	S("arc_seal_domain", K_NAME, arc_seal_domain),
	S("arc_seal_selector", K_NAME, arc_seal_selector),
	S("arc_seal_key", K_STRING, arc_seal_key),
	L("internal_networks", K_NETS, internal_networks,
		ninternal_networks),
	L("sign_daemons", K_WORDS, sign_daemons, nsign_daemons),
	L("sign_domain", K_SIGN_DOMAIN, sign_domains, nsign_domains),
	S("opendkim_keytable", K_STRING, keytable),
	S("opendkim_signingtable", K_STRING, signingtable),
	S("default_signing_domain", K_NAME, default_signing_domain),
	U("resign_window", resign_window, 1, 7 * 86400),
	L("mail_from", K_MAIL_FROM, mail_from, nmail_from),
	E("mail_from_fallback", mail_from_fallback, fallback_names),
	U("mail_from_check_interval", mail_from_check_interval, 10, 86400),
	U("max_sessions", max_sessions, 1, 4096),
	U("max_signatures", max_signatures, 1, 64),
	U("max_header_bytes", max_header_bytes, 4096, 16 * 1024 * 1024),
	U("time_budget_ms", time_budget_ms, 100, 600000),
	U("shutdown_wait", shutdown_wait, 0, 3600),
	U("stats_port", stats_port, 0, 65535),
	S("report_store", K_STRING, report_store),
	U("report_buffer", report_buffer, 1, 1000000),
};

static void fail(struct mt_parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
fail(struct mt_parse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = 1;
	n = snprintf(p->err, p->errlen, "%s:%zu: ", p->name, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static char *
dup_n(struct mt_parse *p, const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL) {
		fail(p, "out of memory");
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* RFC 1035 2.3.1 names, as an operator writes them: letters, digits,
 * hyphens and underscores in labels of 1..63, at most 253 in all; lower
 * cased, one trailing dot dropped. */
static char *
parse_name(struct mt_parse *p, const char *s, size_t n)
{
	size_t i, label = 0;
	char *d;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253) {
		fail(p, "'%.*s' is not a domain name", (int)(n > 80 ? 80 : n),
			s);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0)
				break;
			label = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c == '_') || ++label > 63)
			break;
	}
	if (i < n || label == 0) {
		fail(p, "'%.*s' is not a domain name", (int)(n > 80 ? 80 : n),
			s);
		return NULL;
	}
	d = dup_n(p, s, n);
	if (d != NULL)
		for (i = 0; i < n; i++)
			d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static int
parse_uint(const char *s, size_t n, unsigned base, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || d >= base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* unix:/absolute/path or inet:PORT@ADDR (ADDR an IP address: the milter
 * listens on loopback or a private address, never on a name). */
static int
check_socket(struct mt_parse *p, const char *v, size_t n)
{
	unsigned long port;
	const char *at;
	char addr[64];
	struct mt_net net;

	if (n > 5 && strncmp(v, "unix:", 5) == 0) {
		if (v[5] != '/' || n - 5 > 100) {
			fail(p, "socket: unix:PATH needs an absolute path of "
				"at most 100 bytes");
			return -1;
		}
		return 0;
	}
	if (n > 5 && strncmp(v, "inet:", 5) == 0) {
		at = memchr(v + 5, '@', n - 5);
		if (at != NULL && parse_uint(v + 5, (size_t)(at - v - 5), 10,
		    &port) == 0 && port >= 1 && port <= 65535 &&
		    (size_t)(v + n - at - 1) < sizeof(addr)) {
			memcpy(addr, at + 1, (size_t)(v + n - at - 1));
			addr[v + n - at - 1] = '\0';
			if (strchr(addr, '/') == NULL &&
			    mt_net_parse(addr, &net) == 0)
				return 0;
		}
		fail(p, "socket: inet:PORT@ADDR needs a port 1-65535 and "
			"an IP address, e.g. inet:8891@127.0.0.1");
		return -1;
	}
	fail(p, "socket: expected unix:PATH or inet:PORT@ADDR");
	return -1;
}

/* Append one element of @size bytes to the list at @list/@count. */
static void *
list_push(struct mt_parse *p, void *list, size_t *count, size_t size)
{
	void **lp = list;
	char *grown;

	if (*count >= MT_CONFIG_MAX_LIST) {
		fail(p, "more than %d entries in one list", MT_CONFIG_MAX_LIST);
		return NULL;
	}
	grown = realloc(*lp, (*count + 1) * size);
	if (grown == NULL) {
		fail(p, "out of memory");
		return NULL;
	}
	*lp = grown;
	memset(grown + *count * size, 0, size);
	return grown + (*count)++ * size;
}

/* Split @v at commas and white space; call @fn for each item. */
static void
each_item(struct mt_parse *p, const char *v, size_t n,
	void (*fn)(struct mt_parse *, const struct key *, const char *, size_t),
	const struct key *k)
{
	size_t i = 0, start;

	while (i < n && !p->failed) {
		while (i < n && (v[i] == ',' || v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
			i++;
		if (i > start)
			fn(p, k, v + start, i - start);
	}
}

static void
add_net(struct mt_parse *p, const struct key *k, const char *s, size_t n)
{
	char buf[64];
	struct mt_net net, *slot;

	if (n >= sizeof(buf)) {
		fail(p, "%s: '%.40s...' is not a network", k->name, s);
		return;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (mt_net_parse(buf, &net) != 0) {
		fail(p, "%s: '%s' is not an IP address or network", k->name,
			buf);
		return;
	}
	slot = list_push(p, (char *)p->c + k->off,
		(size_t *)((char *)p->c + k->count_off), sizeof(net));
	if (slot != NULL)
		*slot = net;
}

static void
add_string(struct mt_parse *p, const struct key *k, const char *s, size_t n)
{
	char **slot, *d;
	size_t i;

	if (k->kind == K_NAMES) {
		d = parse_name(p, s, n);
	} else {
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
			    s[i] != '_' && s[i] != '-') {
				fail(p, "%s: '%.*s' has a character other "
					"than letters, digits, '.', '_', '-'",
					k->name, (int)(n > 80 ? 80 : n), s);
				return;
			}
		d = dup_n(p, s, n);
	}
	if (d == NULL)
		return;
	slot = list_push(p, (char *)p->c + k->off,
		(size_t *)((char *)p->c + k->count_off), sizeof(*slot));
	if (slot == NULL) {
		free(d);
		return;
	}
	*slot = d;
}

/* Two or three words: "A B [C]"; *c NULL when there is no third. */
static int
split_words(struct mt_parse *p, const struct key *k, const char *v, size_t n,
	size_t *alen, const char **b, size_t *blen, const char **c,
	size_t *clen, int allow_third)
{
	size_t i = 0, j;

	while (i < n && v[i] != ' ' && v[i] != '\t')
		i++;
	*alen = i;
	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	*b = v + i;
	j = i;
	while (j < n && v[j] != ' ' && v[j] != '\t')
		j++;
	*blen = j - i;
	while (j < n && (v[j] == ' ' || v[j] == '\t'))
		j++;
	*c = j < n ? v + j : NULL;
	*clen = n - j;
	if (*alen == 0 || *blen == 0 || (*c != NULL && (!allow_third ||
	    memchr(*c, ' ', *clen) != NULL ||
	    memchr(*c, '\t', *clen) != NULL))) {
		fail(p, "%s: expected %s", k->name, allow_third ?
			"DOMAIN SUBDOMAIN [keep|tempfail]" :
			"DOMAIN STATE_DIR");
		return -1;
	}
	return 0;
}

static int
is_subdomain(const char *sub, const char *parent)
{
	size_t ls = strlen(sub), lp = strlen(parent);

	return ls > lp + 1 && sub[ls - lp - 1] == '.' &&
		strcmp(sub + ls - lp, parent) == 0;
}

static void
set_pair(struct mt_parse *p, const struct key *k, const char *v, size_t n)
{
	size_t alen, blen, clen;
	const char *b, *third;
	char *x, *y = NULL;

	if (split_words(p, k, v, n, &alen, &b, &blen, &third, &clen,
	    k->kind == K_MAIL_FROM) != 0)
		return;
	x = parse_name(p, v, alen);
	if (x == NULL)
		return;
	if (k->kind == K_SIGN_DOMAIN) {
		struct mt_sign_domain *sd;

		if (b[0] != '/') {
			fail(p, "%s: the state directory must be an absolute "
				"path", k->name);
			goto out;
		}
		y = dup_n(p, b, blen);
		if (y == NULL)
			goto out;
		sd = list_push(p, &p->c->sign_domains, &p->c->nsign_domains,
			sizeof(*sd));
		if (sd == NULL)
			goto out;
		sd->domain = x;
		sd->state_dir = y;
		return;
	} else {
		struct mt_mail_from *mf;

		y = parse_name(p, b, blen);
		if (y == NULL)
			goto out;
		if (!is_subdomain(y, x)) {
			fail(p, "%s: %s is not a subdomain of %s", k->name, y,
				x);
			goto out;
		}
		mf = list_push(p, &p->c->mail_from, &p->c->nmail_from,
			sizeof(*mf));
		if (mf == NULL)
			goto out;
		mf->domain = x;
		mf->sub = y;
		mf->fallback = -1;
		if (third != NULL) {
			if (clen == 4 && memcmp(third, "keep", 4) == 0)
				mf->fallback = MT_MAIL_FROM_KEEP;
			else if (clen == 8 &&
			    memcmp(third, "tempfail", 8) == 0)
				mf->fallback = MT_MAIL_FROM_TEMPFAIL;
			else
				fail(p, "%s: the fallback is keep or tempfail",
					k->name);
		}
		return;
	}
out:
	free(x);
	free(y);
}

static void
set_scalar(struct mt_parse *p, const struct key *k, const char *v, size_t n)
{
	void *field = (char *)p->c + k->off;
	unsigned long u;
	size_t i;

	switch (k->kind) {
	case K_SOCKET:
		if (check_socket(p, v, n) != 0)
			return;
		/* fall through */
	case K_STRING:
		*(char **)field = dup_n(p, v, n);
		return;
	case K_NAME:
		*(char **)field = parse_name(p, v, n);
		return;
	case K_UINT:
		if (parse_uint(v, n, 10, &u) != 0 || u < k->min ||
		    u > k->max) {
			fail(p, "%s: expected a number from %u to %u", k->name,
				k->min, k->max);
			return;
		}
		*(unsigned *)field = (unsigned)u;
		return;
	case K_MODE:
		if (n < 3 || n > 4 || parse_uint(v, n, 8, &u) != 0 ||
		    (u & 0007) != 0 || (u & 0600) != 0600) {
			fail(p, "%s: expected an octal mode such as 0660 "
				"(owner rw, nothing for others)", k->name);
			return;
		}
		*(unsigned *)field = (unsigned)u;
		return;
	case K_BOOL:
	case K_ENUM:
		for (i = 0; k->names[i] != NULL; i++)
			if (strlen(k->names[i]) == n &&
			    memcmp(k->names[i], v, n) == 0) {
				*(int *)field = (int)i;
				return;
			}
		fail(p, "%s: '%.*s' is not one of the allowed values",
			k->name, (int)(n > 40 ? 40 : n), v);
		return;
	default:
		return;
	}
}

static const struct key *
find_key(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == n &&
		    memcmp(keys[i].name, name, n) == 0)
			return &keys[i];
	return NULL;
}

static void
parse_line(struct mt_parse *p, const char *s, size_t n, unsigned char *seen)
{
	const char *eq, *v;
	size_t klen, vlen, i;
	const struct key *k;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0 || *s == '#')
		return;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
			fail(p, "control character in line");
			return;
		}
	eq = memchr(s, '=', n);
	if (eq == NULL) {
		fail(p, "expected 'key = value'");
		return;
	}
	klen = (size_t)(eq - s);
	while (klen > 0 && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
		klen--;
	v = eq + 1;
	vlen = n - (size_t)(v - s);
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	k = find_key(s, klen);
	if (k == NULL) {
		fail(p, "unknown key '%.*s'", (int)(klen > 60 ? 60 : klen), s);
		return;
	}
	if (vlen == 0) {
		fail(p, "%s: empty value", k->name);
		return;
	}
	switch (k->kind) {
	case K_NETS:
		each_item(p, v, vlen, add_net, k);
		return;
	case K_NAMES:
	case K_WORDS:
		each_item(p, v, vlen, add_string, k);
		return;
	case K_SIGN_DOMAIN:
	case K_MAIL_FROM:
		set_pair(p, k, v, vlen);
		return;
	default:
		break;
	}
	if (seen[k - keys]) {
		fail(p, "%s is set twice", k->name);
		return;
	}
	seen[k - keys] = 1;
	set_scalar(p, k, v, vlen);
}

static void
set_defaults(struct mt_config *c)
{
	c->socket_mode = 0660;
	c->dns_timeout_ms = 5000;
	c->resign_window = 3600;
	c->mail_from_check_interval = 300;
	c->max_sessions = 64;
	c->max_signatures = 10;
	c->max_header_bytes = 262144;
	c->time_budget_ms = 20000;
	c->shutdown_wait = 60;
	c->report_buffer = 4096;
}

/* Checks across keys, once the whole file is read. */
static void
check_whole(struct mt_parse *p)
{
	struct mt_config *c = p->c;
	size_t i, j;

	p->line = 0;
	if (c->socket == NULL)
		fail(p, "socket is required (unix:PATH or inet:PORT@ADDR)");
	else if (c->authserv_id == NULL)
		fail(p, "authserv_id is required (the name in the "
			"Authentication-Results headers this host writes)");
	else if ((c->keytable == NULL) != (c->signingtable == NULL))
		fail(p, "opendkim_keytable and opendkim_signingtable go "
			"together");
	else if ((c->arc_seal_domain == NULL) !=
	    (c->arc_seal_selector == NULL) ||
	    (c->arc_seal_domain == NULL) != (c->arc_seal_key == NULL))
		fail(p, "arc_seal_domain, arc_seal_selector and arc_seal_key "
			"go together");
	else if (c->arc_seal_key != NULL && c->arc_seal_key[0] != '/')
		fail(p, "arc_seal_key: expected an absolute path");
	if (p->failed)
		return;
	for (i = 0; i < c->nsign_domains; i++)
		for (j = 0; j < i; j++)
			if (strcmp(c->sign_domains[i].domain,
			    c->sign_domains[j].domain) == 0)
				fail(p, "sign_domain %s is given twice",
					c->sign_domains[i].domain);
	for (i = 0; i < c->nmail_from; i++)
		for (j = 0; j < i; j++)
			if (strcmp(c->mail_from[i].domain,
			    c->mail_from[j].domain) == 0)
				fail(p, "mail_from %s is given twice",
					c->mail_from[i].domain);
}

int
mt_config_parse(const char *text, size_t len, const char *name,
	struct mt_config **out, char *err, size_t errlen)
{
	unsigned char seen[sizeof(keys) / sizeof(keys[0])] = { 0 };
	struct mt_parse p;
	size_t i = 0, end;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	p.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if (len > MT_CONFIG_MAX_BYTES) {
		fail(&p, "file larger than %d bytes", MT_CONFIG_MAX_BYTES);
		return -1;
	}
	p.c = calloc(1, sizeof(*p.c));
	if (p.c == NULL) {
		fail(&p, "out of memory");
		return -1;
	}
	set_defaults(p.c);
	while (i < len && !p.failed) {
		p.line++;
		end = i;
		while (end < len && text[end] != '\n')
			end++;
		if (end - i > MT_CONFIG_MAX_LINE)
			fail(&p, "line longer than %d bytes",
				MT_CONFIG_MAX_LINE);
		else if (memchr(text + i, '\0', end - i) != NULL)
			fail(&p, "NUL byte in line");
		else
			parse_line(&p, text + i, end - i, seen);
		i = end + 1;
	}
	if (!p.failed)
		check_whole(&p);
	if (p.failed) {
		mt_config_free(p.c);
		return -1;
	}
	*out = p.c;
	return 0;
}

int
mt_config_load(const char *path, struct mt_config **out, char *err,
	size_t errlen)
{
	FILE *f;
	char *buf;
	size_t n;
	int rc;

	*out = NULL;
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(MT_CONFIG_MAX_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, MT_CONFIG_MAX_BYTES + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	} else {
		rc = mt_config_parse(buf, n, path, out, err, errlen);
	}
	fclose(f);
	free(buf);
	return rc;
}

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
mt_config_free(struct mt_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->socket);
	free(c->socket_group);
	free(c->user);
	free(c->pid_file);
	free(c->report_store);
	free(c->dns_server);
	free(c->authserv_id);
	free_strings(c->monitor_domains, c->nmonitor_domains);
	free(c->trusted_forwarders);
	free_strings(c->arc_trusted_sealers, c->narc_trusted_sealers);
	free(c->arc_seal_domain);
	free(c->arc_seal_selector);
	free(c->arc_seal_key);
	free(c->internal_networks);
	free_strings(c->sign_daemons, c->nsign_daemons);
	for (i = 0; i < c->nsign_domains; i++) {
		free(c->sign_domains[i].domain);
		free(c->sign_domains[i].state_dir);
	}
	free(c->sign_domains);
	free(c->keytable);
	free(c->signingtable);
	free(c->default_signing_domain);
	for (i = 0; i < c->nmail_from; i++) {
		free(c->mail_from[i].domain);
		free(c->mail_from[i].sub);
	}
	free(c->mail_from);
	free(c);
}
