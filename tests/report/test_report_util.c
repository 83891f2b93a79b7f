/* SPDX-License-Identifier: MIT */
/*
 * test_report_util.c - what every report test shares: which store to use
 * (INKAN_TEST_STORE: a postgresql:// URI from pg_run.py; unset: a fresh
 * SQLite file in a temporary directory), and a row maker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_report_util.h"

static char tmpdir[256];
static int counter;

int
tr_is_pg(void)
{
	const char *u = getenv("INKAN_TEST_STORE");
	return u && strncmp(u, "postgres", 8) == 0;
}

/* A fresh store for one test: a new SQLite file, or an empty
 * PostgreSQL database (tables dropped, so every test starts clean). */
void
tr_store_uri(char *out, size_t len)
{
	const char *u = getenv("INKAN_TEST_STORE");
	if (u && *u) {
		snprintf(out, len, "%s", u);
		return;
	}
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/inkan-report-XXXXXX");
		if (!mkdtemp(tmpdir))
			abort();
	}
	snprintf(out, len, "%s/store%d.db", tmpdir, counter++);
}

const char *
tr_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/inkan-report-XXXXXX");
		if (!mkdtemp(tmpdir))
			abort();
	}
	return tmpdir;
}

void
tr_store_reset(const char *uri)
{
	if (strncmp(uri, "postgres", 8) != 0) {
		char p[600];
		unlink(uri);
		snprintf(p, sizeof p, "%s-wal", uri);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", uri);
		unlink(p);
		return;
	}
	/* psql is in the PostgreSQL client package the test server needs */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "psql -q -X -v ON_ERROR_STOP=1 '%s' -c "
	    "'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'"
	    " >/dev/null 2>&1", uri);
	if (system(cmd) != 0)
		abort();
}

void
tr_cleanup(void)
{
	if (tmpdir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", tmpdir);
	}
}

void
tr_row(inkan_report_row *r, tr_row_storage *st, int64_t time,
	const char *ip, const char *from, const char *policy_domain)
{
	memset(r, 0, sizeof *r);
	memset(st, 0, sizeof *st);
	r->time = time;
	r->source_ip = ip;
	r->header_from = from;
	r->envelope_from = from;
	r->envelope_to = "receiver.example";
	r->spf_domain = from;
	r->spf_scope_mfrom = 1;
	r->spf_result = INKAN_REPORT_PASS;
	st->dkim[0].domain = from;
	st->dkim[0].selector = "s1";
	st->dkim[0].result = INKAN_REPORT_PASS;
	r->dkim = st->dkim;
	r->ndkim = 1;
	r->dmarc = INKAN_DMARC_PASS;
	r->dkim_aligned = 1;
	r->spf_aligned = 1;
	r->disposition = INKAN_REPORT_DISP_NONE;
	r->policy.domain = policy_domain;
	r->policy.p = INKAN_DMARC_POLICY_NONE;
	r->policy.discovery = INKAN_DMARC_DISCOVERY_TREEWALK;
	r->policy.rua = "mailto:dmarc@example.com";
}

/* ---- report checks ---- */

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <zlib.h>

int
tr_gunzip(const unsigned char *in, size_t len, char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	int rc;
	do {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
		z.next_out = (Bytef *)buf + n;
		z.avail_out = (uInt)(cap - n);
		rc = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

static void
sum_counts(xmlNode *n, tr_report_facts *f)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (strcmp(name, "record") == 0)
			f->records++;
		if (strcmp(name, "count") == 0) {
			xmlChar *c = xmlNodeGetContent(n);
			f->messages += strtoll((const char *)c, NULL, 10);
			xmlFree(c);
		}
		if (strcmp(name, "report_id") == 0 && !f->report_id[0]) {
			xmlChar *c = xmlNodeGetContent(n);
			snprintf(f->report_id, sizeof f->report_id, "%s",
			    (const char *)c);
			xmlFree(c);
		}
		if (strcmp(name, "domain") == 0 && n->parent &&
		    strcmp((const char *)n->parent->name,
		    "policy_published") == 0) {
			xmlChar *c = xmlNodeGetContent(n);
			snprintf(f->domain, sizeof f->domain, "%s",
			    (const char *)c);
			xmlFree(c);
		}
		sum_counts(n->children, f);
	}
}

/*
 * Validate @xml against the XSD at @xsd. RFC 7489's schema declares the
 * namespace http://dmarc.org/dmarc-xml/0.1, which the reports that RFC
 * and every receiver send do not use; with @strip_ns the schema is read
 * without its targetNamespace, which checks the structure of what is
 * actually sent. Returns 0 when valid.
 */
int
tr_validate(const char *xml, size_t len, const char *xsd, int strip_ns,
	tr_report_facts *facts)
{
	FILE *fp = fopen(xsd, "rb");
	if (!fp)
		return -1;
	static char sbuf[1 << 18];
	size_t sn = fread(sbuf, 1, sizeof sbuf - 1, fp);
	fclose(fp);
	sbuf[sn] = '\0';
	if (strip_ns) {
		char *t = strstr(sbuf, "targetNamespace=");
		if (t) {
			char *q1 = strchr(t, '"');
			char *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
			if (q2)
				memset(t, ' ', (size_t)(q2 + 1 - t));
		}
	}
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(sbuf, (int)sn);
	xmlSchemaPtr schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!schema)
		return -1;
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "report.xml", NULL,
	    XML_PARSE_NONET);
	int rc = -1;
	if (doc) {
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
		rc = xmlSchemaValidateDoc(vc, doc);
		xmlSchemaFreeValidCtxt(vc);
		if (facts) {
			memset(facts, 0, sizeof *facts);
			sum_counts(xmlDocGetRootElement(doc), facts);
		}
		xmlFreeDoc(doc);
	}
	xmlSchemaFree(schema);
	return rc;
}
