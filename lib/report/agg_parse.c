/* SPDX-License-Identifier: MIT */
/*
 * agg_parse.c - libxml2 SAX2 glue for aggregate reports.
 *
 * SAX rather than a tree: a report can have a million records, and only one
 * record at a time is kept. The parser runs with XML_PARSE_NONET and without
 * XML_PARSE_NOENT / XML_PARSE_DTDLOAD / XML_PARSE_DTDATTR, and a DOCTYPE is
 * refused as soon as it is seen (no report needs one; it is how billion
 * laughs and external entities get in).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "report/agg_internal.h"
#include "core/ascii.h"

long
ik_agg_line(const struct agg_state *st)
{
	xmlParserCtxtPtr p = st->parser;

	if (p == NULL || p->input == NULL)
		return 0;
	return (long)p->input->line;
}

static void
on_start(void *ud, const xmlChar *local, const xmlChar *prefix,
	const xmlChar *uri, int nns, const xmlChar **ns, int nattr,
	int ndefaulted, const xmlChar **attrs)
{
	struct agg_state *st = ud;
	enum agg_elem e;

	if (st->done)
		return;
	if (st->depth >= st->lim->max_depth || st->depth >= AGG_MAX_DEPTH_HARD) {
		ik_agg_fail(st, INKAN_ERR_LIMIT, "line %ld: elements nested "
			"deeper than %u", ik_agg_line(st), st->lim->max_depth);
		return;
	}
	e = ik_agg_elem((const char *)local);
	if (st->depth == 0) {
		if (e != E_FEEDBACK) {
			ik_agg_fail(st, INKAN_ERR_SYNTAX, "line %ld: root "
				"element is <%s>, not <feedback>: not a DMARC "
				"aggregate report", ik_agg_line(st),
				(const char *)local);
			return;
		}
		/* RFC 9990 Appendix A: targetNamespace */
		if (uri != NULL && strcmp((const char *)uri,
		    "urn:ietf:params:xml:ns:dmarc-2.0") == 0)
			st->rfc9990 = 1;
		st->seen_root = 1;
	}
	st->path[st->depth++] = e;
	ik_buf_reset(&st->text);
	ik_agg_open(st);
}

static void
on_end(void *ud, const xmlChar *local, const xmlChar *prefix,
	const xmlChar *uri)
{
	struct agg_state *st = ud;

	if (st->done || st->depth == 0)
		return;
	ik_agg_close(st);
	st->depth--;
	ik_buf_reset(&st->text);
}

static void
on_text(void *ud, const xmlChar *ch, int len)
{
	struct agg_state *st = ud;

	if (st->done || st->depth == 0)
		return;
	/* text of elements we ignore is not kept at all */
	if (st->path[st->depth - 1] == E_OTHER)
		return;
	if (st->text.len + (size_t)len > st->lim->max_field) {
		ik_agg_fail(st, INKAN_ERR_LIMIT, "line %ld: a text field is "
			"longer than %zu bytes", ik_agg_line(st),
			st->lim->max_field);
		return;
	}
	if (ik_buf_append(&st->text, ch, (size_t)len) != INKAN_OK)
		ik_agg_fail(st, INKAN_ERR_NOMEM, "out of memory");
}

static void
on_dtd(void *ud, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
	struct agg_state *st = ud;

	ik_agg_fail(st, INKAN_ERR_SYNTAX, "line %ld: a DOCTYPE is not allowed "
		"in a report (entities are never expanded)", ik_agg_line(st));
}

static void
on_entity_decl(void *ud, const xmlChar *name, int type, const xmlChar *pid,
	const xmlChar *sid, xmlChar *content)
{
	struct agg_state *st = ud;

	ik_agg_fail(st, INKAN_ERR_SYNTAX, "line %ld: entity declarations are "
		"not allowed in a report", ik_agg_line(st));
}

static xmlEntityPtr
on_get_entity(void *ud, const xmlChar *name)
{
	/* only the five predefined entities exist; the parser handles them
	 * before asking, so anything asked for here is undeclared */
	return xmlGetPredefinedEntity(name);
}

static void
on_error(void *ud, xmlErrorPtr e)
{
	struct agg_state *st = ud;
	char msg[256];
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "?");
	for (char *c = msg; *c != '\0'; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	ik_agg_fail(st, INKAN_ERR_SYNTAX, "line %d: not well-formed XML: %s",
		e->line, msg);
}

/*
 * Where the <feedback> document starts. A known quirk (IKEA's reporter)
 * puts an unclosed <xs:schema ...> start tag before <feedback>; the
 * document is then not well formed. We skip such a prologue element when,
 * and only when, <feedback> follows it. Returns the offset to resume at
 * after the XML declaration (*decl_len bytes), or 0 for "parse as is".
 */
static size_t
quirk_skip(const char *x, size_t len, size_t *decl_len)
{
	size_t i = 0, j;
	const char *fb;

	*decl_len = 0;
	if (len >= 3 && memcmp(x, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (ik_is_wsp(x[i]) || x[i] == '\r' || x[i] == '\n'))
		i++;
	if (len - i > 5 && memcmp(x + i, "<?xml", 5) == 0) {
		const char *q = memchr(x + i, '>', len - i);
		if (q == NULL)
			return 0;
		*decl_len = (size_t)(q - x) + 1;
		i = *decl_len;
	}
	while (i < len && (ik_is_wsp(x[i]) || x[i] == '\r' || x[i] == '\n'))
		i++;
	if (len - i < 11 || memcmp(x + i, "<xs:schema", 10) != 0 ||
	    !(ik_is_wsp(x[i + 10]) || x[i + 10] == '>' || x[i + 10] == '\n'))
		return 0;
	/* the start tag must end, not self-close, and <feedback> follow */
	for (j = i; j < len && x[j] != '>'; j++)
		;
	if (j >= len || x[j - 1] == '/')
		return 0;
	fb = NULL;
	for (size_t k = j + 1; k + 9 <= len && k < j + 4096; k++)
		if (x[k] == '<') {
			if (memcmp(x + k, "<feedback", 9) == 0)
				fb = x + k;
			break;
		}
	if (fb == NULL)
		return 0;
	return (size_t)(fb - x);
}

inkan_status
inkan_agg_parse(const inkan_ctx *ctx, const void *xml, size_t len,
	const inkan_report_limits *lim, const inkan_agg_sink *sink,
	char *err, size_t errlen)
{
	struct agg_state st;
	inkan_report_limits deflim;
	xmlSAXHandler sax;
	xmlParserCtxtPtr p;
	const char *x = xml;
	size_t off = 0, decl = 0, skip;
	const size_t chunk = 1u << 20;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (lim == NULL) {
		inkan_report_limits_default(&deflim);
		lim = &deflim;
	}
	if (len > lim->max_xml) {
		if (err != NULL)
			snprintf(err, errlen, "report is %zu bytes, over the "
				"limit of %zu", len, lim->max_xml);
		return INKAN_ERR_LIMIT;
	}
	if (len > (size_t)INT_MAX) {
		if (err != NULL)
			snprintf(err, errlen, "report too large");
		return INKAN_ERR_LIMIT;
	}
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.lim = lim;
	st.sink = sink;
	st.err = err;
	st.errlen = errlen;
	ik_agg_state_init(&st);

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.internalSubset = on_dtd;
	sax.externalSubset = on_dtd;
	sax.entityDecl = on_entity_decl;
	sax.getEntity = on_get_entity;
	sax.serror = on_error;

	xmlInitParser();
	skip = quirk_skip(x, len, &decl);
	p = xmlCreatePushParserCtxt(&sax, &st, NULL, 0, NULL);
	if (p == NULL) {
		ik_agg_state_free(&st);
		if (err != NULL)
			snprintf(err, errlen, "out of memory");
		return INKAN_ERR_NOMEM;
	}
	st.parser = p;
	/* no network, no entity substitution, no DTD load, no huge mode */
	xmlCtxtUseOptions(p, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (skip > 0) {
		/* keep the declaration (its encoding), drop the stray tag */
		xmlParseChunk(p, x, (int)decl, 0);
		off = skip;
	}
	while (st.status == INKAN_OK && !st.done && off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		xmlParseChunk(p, x + off, (int)n, 0);
		off += n;
	}
	if (st.status == INKAN_OK && !st.done)
		xmlParseChunk(p, NULL, 0, 1);
	if (st.status == INKAN_OK && !st.done && !p->wellFormed)
		ik_agg_fail(&st, INKAN_ERR_SYNTAX, "not well-formed XML");
	if (st.status == INKAN_OK && !st.done)
		ik_agg_finish(&st);
	st.parser = NULL;
	xmlFreeParserCtxt(p);
	ik_agg_state_free(&st);
	return st.status;
}
