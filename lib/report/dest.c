/* SPDX-License-Identifier: MIT */
/*
 * dest.c - where a report may go: the rua URI taken apart, the deny list,
 * and RFC 9990 4's check that an external destination agreed to receive
 * reports for the policy domain.
 *
 * Organizational domains are compared with the Public Suffix List (RFC
 * 7489 3.2's registrable domain). Where RFC 9989's tree walk would find
 * another organizational domain, the PSL can only make us ask for an
 * authorization record we would not have needed; it can never let a
 * report go to a destination that the DNS check would have refused,
 * except between two names under one registrable domain, which the
 * domain's owner controls anyway.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <inkan/dns.h>

#include "core/ascii.h"
#include "report/send_internal.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

inkan_status
ik_report_dest_parse(const char *uri, ik_report_dest *d)
{
	memset(d, 0, sizeof *d);
	if (strncasecmp(uri, "mailto:", 7) != 0)
		return INKAN_ERR_UNSUPPORTED;
	const char *p = uri + 7;
	size_t n = 0;
	/* RFC 7489 6.2 "!size" (RFC 9989: obsolete, kept as a limit) */
	const char *bang = strchr(p, '!');
	const char *end = bang ? bang : p + strlen(p);
	const char *q = memchr(p, '?', (size_t)(end - p));
	if (q)
		end = q;	/* mailto headers (?subject=) are not ours */
	for (; p < end; p++) {
		char c = *p;
		if (c == '%' && p + 2 < end && hexval(p[1]) >= 0 &&
		    hexval(p[2]) >= 0) {
			c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		}
		unsigned char u = (unsigned char)c;
		if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' ||
		    c == ',' || c == '"' || c == '\\' || c == '(' || c == ')')
			return INKAN_ERR_SYNTAX;
		if (n + 1 >= sizeof d->addr)
			return INKAN_ERR_LIMIT;
		d->addr[n++] = c;
	}
	d->addr[n] = '\0';
	char *at = strrchr(d->addr, '@');
	if (!at || at == d->addr || !at[1] || strchr(d->addr, '@') != at)
		return INKAN_ERR_SYNTAX;
	size_t hl = strlen(at + 1);
	if (hl >= sizeof d->host || at[1] == '.' || at[hl] == '.')
		return INKAN_ERR_SYNTAX;
	for (size_t i = 0; i <= hl; i++)
		d->host[i] = (char)ik_to_lower((unsigned char)at[1 + i]);
	if (bang) {
		uint64_t v = 0;
		const char *s = bang + 1;
		if (!(*s >= '0' && *s <= '9'))
			return INKAN_ERR_SYNTAX;
		while (*s >= '0' && *s <= '9' && v < (1ull << 50))
			v = v * 10 + (uint64_t)(*s++ - '0');
		switch (*s) {
		case 'k': case 'K': v <<= 10; s++; break;
		case 'm': case 'M': v <<= 20; s++; break;
		case 'g': case 'G': v <<= 30; s++; break;
		case 't': case 'T': v <<= 40; s++; break;
		default: break;
		}
		if (*s && *s != '?')
			return INKAN_ERR_SYNTAX;
		d->size_limit = v ? v : 1;
	}
	return INKAN_OK;
}

/* @name equals @dom or lies below it */
static int
within(const char *name, const char *dom)
{
	size_t n = strlen(name), d = strlen(dom);
	if (n < d || strcasecmp(name + (n - d), dom) != 0)
		return 0;
	return n == d || name[n - d - 1] == '.';
}

int
ik_report_denied(const inkan_report_settings *s, const ik_report_dest *d)
{
	for (size_t i = 0; i < s->ndeny; i++) {
		const char *e = s->deny[i];
		if (strchr(e, '@') ? strcasecmp(e, d->addr) == 0 :
		    within(d->host, e))
			return 1;
	}
	return 0;
}

int
ik_report_same_org(const inkan_dmarc_psl *psl, const char *policy_domain,
	const char *host)
{
	if (within(host, policy_domain))
		return 1;	/* the policy domain's own names */
	if (!psl)
		return 0;	/* no list: everything else is external */
	char a[300], b[300];
	if (inkan_dmarc_psl_registrable(psl, policy_domain, a, sizeof a) !=
	    INKAN_OK || inkan_dmarc_psl_registrable(psl, host, b, sizeof b) !=
	    INKAN_OK)
		return 0;
	return strcmp(a, b) == 0;
}

/* RFC 9990 4 step 6: tag=value pairs, "v=DMARC1" first */
static int
starts_dmarc1(const char *t, size_t n)
{
	size_t i = 0;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i >= n || (t[i] != 'v' && t[i] != 'V'))
		return 0;
	i++;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i >= n || t[i] != '=')
		return 0;
	i++;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (n - i < 6 || memcmp(t + i, "DMARC1", 6) != 0)
		return 0;
	i += 6;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i == n || t[i] == ';';
}

/*
 * RFC 9990 4 step 9: a "rua" in the authorization record replaces the
 * destination, but only with URIs on the same host; one elsewhere voids
 * the authorization ("MUST NOT generate a report to either"). Returns 0
 * (no override: @d unchanged), 1 (@d replaced), -1 (refused).
 */
static int
override(const char *t, size_t n, const char *tagname, ik_report_dest *d)
{
	char rec[1024];
	if (n >= sizeof rec)
		return -1;
	memcpy(rec, t, n);
	rec[n] = '\0';
	char *save = NULL;
	for (char *tag = strtok_r(rec, ";", &save); tag;
	    tag = strtok_r(NULL, ";", &save)) {
		while (*tag == ' ' || *tag == '\t')
			tag++;
		if (strncasecmp(tag, tagname, 3) != 0)
			continue;
		char *v = tag + 3;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=')
			continue;
		v++;
		int replaced = 0;
		char *s2 = NULL;
		for (char *u = strtok_r(v, ",", &s2); u;
		    u = strtok_r(NULL, ",", &s2)) {
			while (*u == ' ' || *u == '\t')
				u++;
			size_t ul = strlen(u);
			while (ul && (u[ul - 1] == ' ' || u[ul - 1] == '\t'))
				u[--ul] = '\0';
			ik_report_dest o;
			if (ik_report_dest_parse(u, &o) != INKAN_OK ||
			    strcmp(o.host, d->host) != 0)
				return -1;
			if (!replaced) {
				*d = o;
				replaced = 1;
			}
		}
		return replaced;
	}
	return 0;
}

ik_report_auth
ik_report_authorized(inkan_resolver *r, const char *policy_domain,
	ik_report_dest *d, char *why, size_t wl)
{
	return ik_report_authorized_tag(r, policy_domain, "rua", d, why, wl);
}

ik_report_auth
ik_report_authorized_tag(inkan_resolver *r, const char *policy_domain,
	const char *tagname, ik_report_dest *d, char *why, size_t wl)
{
	const char *host = d->host;
	/* RFC 9990 4 steps 1-4: <policy domain>._report._dmarc.<host> */
	char name[600];
	size_t n = (size_t)snprintf(name, sizeof name, "%s._report._dmarc.%s",
	    policy_domain, host);
	if (n >= sizeof name || n > 253) {
		snprintf(why, wl, "authorization name too long");
		return IK_REPORT_AUTH_NO;
	}
	inkan_dns_query *q = NULL;
	const inkan_dns_answer *a = NULL;
	if (!r || inkan_dns_lookup(r, name, INKAN_DNS_TYPE_TXT, &q, &a) !=
	    INKAN_OK) {
		inkan_dns_query_free(q);
		snprintf(why, wl, "no resolver for %s", name);
		return IK_REPORT_AUTH_TEMP;
	}
	ik_report_auth res = IK_REPORT_AUTH_NO;
	if (a->outcome == INKAN_DNS_TEMPFAIL) {
		/* step 5: may be retried later */
		snprintf(why, wl, "%s: temporary DNS failure", name);
		res = IK_REPORT_AUTH_TEMP;
	} else {
		for (size_t i = 0; i < a->nrrs; i++) {
			const inkan_dns_rr *rr = &a->rrs[i];
			if (rr->type != INKAN_DNS_TYPE_TXT)
				continue;
			if (!starts_dmarc1(rr->u.txt.joined.data,
			    rr->u.txt.joined.len))
				continue;
			char was[256];
			memcpy(was, d->addr, sizeof was);
			int o = override(rr->u.txt.joined.data,
			    rr->u.txt.joined.len, tagname, d);
			if (o < 0) {
				snprintf(why, wl, "the authorization at %s names "
				    "a destination on another host (RFC 9990 4)",
				    name);
				res = IK_REPORT_AUTH_REFUSED;
			} else {
				if (o > 0 && strcmp(was, d->addr) != 0)
					snprintf(why, wl, "redirected to %s by %s",
					    d->addr, name);
				res = IK_REPORT_AUTH_OK;
			}
			break;
		}
		if (res == IK_REPORT_AUTH_REFUSED)
			res = IK_REPORT_AUTH_NO;
		else if (res != IK_REPORT_AUTH_OK)
			snprintf(why, wl, "external destination %s did not "
			    "authorize reports for %s (no v=DMARC1 at %s)",
			    host, policy_domain, name);
	}
	inkan_dns_query_free(q);
	return res;
}
