/* SPDX-License-Identifier: MIT */
/*
 * owner_list.c - the lists the dashboard shows besides the summary:
 * received reports, the records of one source, failure reports, and a
 * stored report's raw XML (decompressed, bounded).
 */
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include <inkan/report_owner.h>

#include "report/owner_internal.h"
#include "core/alloc.h"

static inkan_status
ik_owner_reports(inkan_report_store *s, const char *domain, int64_t since,
	int64_t limit, ik_report_res *out)
{
	const char *d = domain ? domain : "";
	ik_report_param p[4] = { IK_RP_S(d), IK_RP_S(d), IK_RP_I(since),
		IK_RP_I(limit) };

	memset(out, 0, sizeof(*out));
	return ik_report_query(s, "SELECT id, org_name, report_id, begin_ts,"
		" end_ts, policy_domain, nrecords, messages, origin FROM"
		" rua_reports WHERE (? = '' OR policy_domain = ?) AND begin_ts"
		" >= ? ORDER BY begin_ts DESC, id DESC LIMIT ?", p, 4, out,
		NULL);
}

static inkan_status
ik_owner_source_records(inkan_report_store *s, const char *domain,
	const char *ip, int64_t since, int64_t limit, ik_report_res *out)
{
	ik_report_param p[4] = { IK_RP_S(domain), IK_RP_S(ip), IK_RP_I(since),
		IK_RP_I(limit) };

	memset(out, 0, sizeof(*out));
	return ik_report_query(s, "SELECT r.id, r.org_name, r.begin_ts,"
		" c.count, c.disposition, c.dkim_eval, c.spf_eval,"
		" c.header_from, c.envelope_from, c.dkim, c.spf, c.reason FROM"
		" rua_records c JOIN rua_reports r ON c.report = r.id WHERE"
		" r.policy_domain = ? AND c.source_ip = ? AND r.begin_ts >= ?"
		" ORDER BY r.begin_ts DESC, c.id LIMIT ?", p, 4, out, NULL);
}

static inkan_status
ik_owner_failures(inkan_report_store *s, const char *domain, int64_t limit,
	ik_report_res *out)
{
	const char *d = domain ? domain : "";
	ik_report_param p[3] = { IK_RP_S(d), IK_RP_S(d), IK_RP_I(limit) };

	memset(out, 0, sizeof(*out));
	return ik_report_query(s, "SELECT id, reporter, reported_domain,"
		" source_ip, arrival_date, auth_failure, orig_from,"
		" orig_subject, has_arf FROM ruf_reports WHERE (? = '' OR"
		" reported_domain = ?) ORDER BY id DESC LIMIT ?", p, 3, out,
		NULL);
}

static int
b64v(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static inkan_status
ik_owner_raw(inkan_report_store *s, int64_t id, size_t max, ik_buf *out)
{
	ik_report_res r = { 0 };
	ik_report_param p[1] = { IK_RP_I(id) };
	ik_buf gz;
	inkan_status st;
	const char *t;
	unsigned acc = 0, bits = 0;

	st = ik_report_query(s, "SELECT gzip_b64 FROM rua_raw WHERE report ="
		" ?", p, 1, &r, NULL);
	if (st != INKAN_OK)
		return st;
	if (r.nrows == 0 || (t = ik_report_res_get(&r, 0, 0)) == NULL) {
		ik_report_res_free(&r);
		return INKAN_ERR_NOT_FOUND;
	}
	ik_buf_init(&gz, s->ctx, max);
	for (; *t != '\0' && st == INKAN_OK; t++) {
		int v = b64v((unsigned char)*t);
		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			st = ik_buf_putc(&gz, (char)((acc >> bits) & 0xff));
		}
	}
	ik_report_res_free(&r);
	if (st == INKAN_OK) {
		z_stream z;
		unsigned char chunk[65536];
		int rc;
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
			ik_buf_free(&gz);
			return INKAN_ERR_NOMEM;
		}
		z.next_in = (unsigned char *)gz.data;
		z.avail_in = (uInt)gz.len;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			rc = inflate(&z, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END) {
				st = INKAN_ERR_SYNTAX;
				break;
			}
			st = ik_buf_append(out, chunk,
				sizeof(chunk) - z.avail_out);
		} while (st == INKAN_OK && rc != Z_STREAM_END);
		inflateEnd(&z);
	}
	ik_buf_free(&gz);
	return st;
}

/* ---- the public face: tables and raw XML ---- */

struct inkan_report_table {
	ik_report_res res;
};

size_t
inkan_report_table_rows(const inkan_report_table *t)
{
	return t ? t->res.nrows : 0;
}

size_t
inkan_report_table_cols(const inkan_report_table *t)
{
	return t ? t->res.ncols : 0;
}

const char *
inkan_report_table_get(const inkan_report_table *t, size_t row, size_t col)
{
	if (t == NULL || row >= t->res.nrows || col >= t->res.ncols)
		return NULL;
	return ik_report_res_get(&t->res, row, col);
}

void
inkan_report_table_free(inkan_report_table *t)
{
	if (t == NULL)
		return;
	const inkan_ctx *ctx = t->res.ctx;
	ik_report_res_free(&t->res);
	ik_free(ctx, t);
}

static inkan_status
table_new(inkan_report_store *s, inkan_report_table **out)
{
	*out = ik_calloc(s->ctx, 1, sizeof(**out));
	return *out ? INKAN_OK : INKAN_ERR_NOMEM;
}

static inkan_status
table_done(inkan_report_store *s, inkan_status st, inkan_report_table **out)
{
	if (st != INKAN_OK) {
		ik_free(s->ctx, *out);
		*out = NULL;
	} else if ((*out)->res.ctx == NULL) {
		(*out)->res.ctx = s->ctx;	/* an empty result */
	}
	return st;
}

inkan_status
inkan_report_list_reports(inkan_report_store *s, const char *domain,
	int64_t since, int64_t limit, inkan_report_table **out)
{
	inkan_status st = table_new(s, out);

	if (st != INKAN_OK)
		return st;
	return table_done(s, ik_owner_reports(s, domain, since, limit,
		&(*out)->res), out);
}

inkan_status
inkan_report_list_source(inkan_report_store *s, const char *domain,
	const char *ip, int64_t since, int64_t limit, inkan_report_table **out)
{
	inkan_status st = table_new(s, out);

	if (st != INKAN_OK)
		return st;
	return table_done(s, ik_owner_source_records(s, domain, ip, since,
		limit, &(*out)->res), out);
}

inkan_status
inkan_report_list_failures(inkan_report_store *s, const char *domain,
	int64_t limit, inkan_report_table **out)
{
	inkan_status st = table_new(s, out);

	if (st != INKAN_OK)
		return st;
	return table_done(s, ik_owner_failures(s, domain, limit,
		&(*out)->res), out);
}

inkan_status
inkan_report_raw(inkan_report_store *s, int64_t id, size_t max, char **xml,
	size_t *len)
{
	ik_buf b;
	inkan_status st;

	*xml = NULL;
	*len = 0;
	ik_buf_init(&b, s->ctx, max);
	st = ik_owner_raw(s, id, max, &b);
	if (st == INKAN_OK)
		st = ik_buf_take(&b, xml, len);
	ik_buf_free(&b);
	return st;
}

void
inkan_report_raw_free(inkan_report_store *s, char *xml)
{
	if (s != NULL)
		ik_free(s->ctx, xml);
}
