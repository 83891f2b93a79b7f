/* SPDX-License-Identifier: MIT */
/*
 * spf_yaml_zone.c - openspf suite `zonedata` to master-file text (see
 * spf_yaml_zone.h for the conventions followed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_yaml_zone.h"

void
sb_init(struct strbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
sb_free(struct strbuf *b)
{
	free(b->data);
	sb_init(b);
}

void
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 4096;
		char *p;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		p = realloc(b->data, ncap);
		if (p == NULL) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		b->data = p;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
sb_puts(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

const char *
yz_scalar(yaml_document_t *doc, yaml_node_t *n, size_t *len)
{
	(void)doc;
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	if (len != NULL)
		*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

yaml_node_t *
yz_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		size_t len;
		const char *s = yz_scalar(doc, k, &len);

		if (s != NULL && len == strlen(key) && memcmp(s, key, len) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static int
ieq(const char *a, size_t alen, const char *b)
{
	size_t i;

	if (alen != strlen(b))
		return 0;
	for (i = 0; i < alen; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

/* a domain name, escaped for a master file, made absolute */
static void
put_name(struct strbuf *b, const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (n == 1 && s[0] == '.')) {
		sb_puts(b, ".");
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '/' || c == ':' || c == '%' || c == '+' || c == '=') {
			sb_add(b, (const char *)&s[i], 1);
			continue;
		}
		snprintf(esc, sizeof(esc), "\\%03u", c);
		sb_puts(b, esc);
	}
	if (s[n - 1] != '.')
		sb_puts(b, ".");
}

/* one character-string, split every 255 bytes (RFC 1035 3.3.14) */
static void
put_strings(struct strbuf *b, const char *s, size_t n)
{
	size_t i;

	sb_puts(b, "\"");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (i > 0 && i % 255 == 0)
			sb_puts(b, "\" \"");
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			sb_add(b, &s[i], 1);
			continue;
		}
		snprintf(esc, sizeof(esc), "\\%03u", c);
		sb_puts(b, esc);
	}
	sb_puts(b, "\"");
}

/* TXT/SPF rdata: a scalar (one string) or a sequence of strings */
static int
put_txt(yaml_document_t *doc, struct strbuf *b, yaml_node_t *v)
{
	yaml_node_item_t *it;
	size_t len;
	const char *s = yz_scalar(doc, v, &len);
	int any = 0;

	if (s != NULL) {
		put_strings(b, s, len);
		return 0;
	}
	if (v == NULL || v->type != YAML_SEQUENCE_NODE)
		return -1;
	for (it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		s = yz_scalar(doc, yaml_document_get_node(doc, *it), &len);
		if (s == NULL)
			return -1;
		if (any)
			sb_puts(b, " ");
		put_strings(b, s, len);
		any = 1;
	}
	if (!any)	/* "null text": no strings at all cannot be written;
			 * one empty string is as much not an SPF record */
		put_strings(b, "", 0);
	return 0;
}

static const char *const timeout_types[] = { "A", "AAAA", "MX", "PTR",
	"TXT", "SPF", "CNAME" };
#define NTYPES (sizeof(timeout_types) / sizeof(timeout_types[0]))

static int
one_name(yaml_document_t *doc, const char *name, size_t nlen,
	yaml_node_t *items, struct strbuf *out, char *err, size_t errlen)
{
	yaml_node_item_t *it;
	int has_txt = 0, seen[NTYPES] = { 0 };
	size_t i, label = 0;
	int pass;

	for (i = 0; i < nlen; i++) {
		label = name[i] == '.' ? 0 : label + 1;
		if (label > 63)
			return 0;	/* no such name can exist in DNS */
	}
	if (items == NULL || items->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errlen, "%.*s: records are not a list",
			(int)nlen, name);
		return -1;
	}
	for (it = items->data.sequence.items.start;
	    it < items->data.sequence.items.top; it++) {
		yaml_node_t *rr = yaml_document_get_node(doc, *it);

		if (yz_get(doc, rr, "TXT") != NULL)
			has_txt = 1;
	}
	/* pass 0: records; pass 1: the SPF-to-TXT copies */
	for (pass = 0; pass < 2; pass++)
	for (it = items->data.sequence.items.start;
	    it < items->data.sequence.items.top; it++) {
		yaml_node_t *rr = yaml_document_get_node(doc, *it);
		yaml_node_pair_t *p;
		size_t tlen, vlen = 0;
		const char *type, *val;

		if (yz_scalar(doc, rr, &tlen) != NULL) {
			/* bare TIMEOUT: every type with no record before */
			if (pass == 1)
				continue;
			for (i = 0; i < NTYPES; i++) {
				if (seen[i])
					continue;
				sb_puts(out, "$FAULT ");
				put_name(out, name, nlen);
				sb_puts(out, " ");
				sb_puts(out, timeout_types[i]);
				sb_puts(out, " timeout\n");
				seen[i] = 1;
			}
			continue;
		}
		if (rr == NULL || rr->type != YAML_MAPPING_NODE ||
		    rr->data.mapping.pairs.top - rr->data.mapping.pairs.start
		    != 1) {
			snprintf(err, errlen, "%.*s: bad record", (int)nlen,
				name);
			return -1;
		}
		p = rr->data.mapping.pairs.start;
		type = yz_scalar(doc, yaml_document_get_node(doc, p->key),
			&tlen);
		if (type == NULL) {
			snprintf(err, errlen, "%.*s: bad type", (int)nlen, name);
			return -1;
		}
		val = yz_scalar(doc, yaml_document_get_node(doc, p->value),
			&vlen);
		/* a record exempts its type from a later bare TIMEOUT;
		 * "TXT: NONE" is no record */
		for (i = 0; i < NTYPES; i++)
			if (pass == 0 && ieq(type, tlen, timeout_types[i]) &&
			    !(val != NULL && ((vlen == 4 &&
			    memcmp(val, "NONE", 4) == 0) || (vlen == 7 &&
			    memcmp(val, "TIMEOUT", 7) == 0))))
				seen[i] = 1;
		if (pass == 1) {
			if (!has_txt && ieq(type, tlen, "SPF")) {
				put_name(out, name, nlen);
				sb_puts(out, " TXT ");
				put_txt(doc, out, yaml_document_get_node(doc,
					p->value));
				sb_puts(out, "\n");
			}
			continue;
		}
		if (val != NULL && vlen == 7 && memcmp(val, "TIMEOUT", 7) == 0) {
			sb_puts(out, "$FAULT ");
			put_name(out, name, nlen);
			sb_puts(out, " ");
			sb_add(out, type, tlen);
			sb_puts(out, " timeout\n");
			continue;
		}
		if (ieq(type, tlen, "TXT") && val != NULL && vlen == 4 &&
		    memcmp(val, "NONE", 4) == 0)
			continue;
		put_name(out, name, nlen);
		sb_puts(out, " ");
		sb_add(out, type, tlen);
		sb_puts(out, " ");
		if (ieq(type, tlen, "TXT") || ieq(type, tlen, "SPF")) {
			if (put_txt(doc, out, yaml_document_get_node(doc,
			    p->value)) < 0) {
				snprintf(err, errlen, "%.*s: bad TXT",
					(int)nlen, name);
				return -1;
			}
		} else if (ieq(type, tlen, "MX")) {
			yaml_node_t *mx = yaml_document_get_node(doc,
				p->value);
			const char *pref, *ex;
			size_t plen = 0, elen = 0;

			if (mx == NULL || mx->type != YAML_SEQUENCE_NODE ||
			    mx->data.sequence.items.top -
			    mx->data.sequence.items.start != 2) {
				snprintf(err, errlen, "%.*s: bad MX",
					(int)nlen, name);
				return -1;
			}
			pref = yz_scalar(doc, yaml_document_get_node(doc,
				mx->data.sequence.items.start[0]), &plen);
			ex = yz_scalar(doc, yaml_document_get_node(doc,
				mx->data.sequence.items.start[1]), &elen);
			if (pref == NULL || ex == NULL) {
				snprintf(err, errlen, "%.*s: bad MX",
					(int)nlen, name);
				return -1;
			}
			sb_add(out, pref, plen);
			sb_puts(out, " ");
			put_name(out, ex, elen);
		} else if (ieq(type, tlen, "PTR") || ieq(type, tlen, "CNAME")) {
			if (val == NULL)
				return -1;
			put_name(out, val, vlen);
		} else {
			if (val == NULL)
				return -1;
			sb_add(out, val, vlen);
		}
		sb_puts(out, "\n");
	}
	return 0;
}

int
yz_zone_text(yaml_document_t *doc, yaml_node_t *zonedata,
	struct strbuf *out, char *err, size_t errlen)
{
	yaml_node_pair_t *p;

	sb_puts(out, "$TTL 300\n");
	if (zonedata == NULL)
		return 0;
	if (zonedata->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "zonedata is not a mapping");
		return -1;
	}
	for (p = zonedata->data.mapping.pairs.start;
	    p < zonedata->data.mapping.pairs.top; p++) {
		size_t nlen;
		const char *name = yz_scalar(doc,
			yaml_document_get_node(doc, p->key), &nlen);

		if (name == NULL || nlen == 0) {
			snprintf(err, errlen, "bad owner name");
			return -1;
		}
		if (one_name(doc, name, nlen, yaml_document_get_node(doc,
		    p->value), out, err, errlen) < 0)
			return -1;
	}
	return 0;
}
