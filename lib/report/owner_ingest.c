/* SPDX-License-Identifier: MIT */
/*
 * owner_ingest.c - store what a domain owner receives: aggregate reports
 * (rua_reports, rua_records, rua_raw) and failure reports (ruf_reports).
 *
 * One aggregate report is one transaction: the parser streams records into
 * batched multi-row INSERTs, and the report row, its records and its raw
 * XML commit together at the end, or roll back on any error, so a refused
 * report leaves no partial rows. De-duplication keys on (org_name,
 * report_id, begin, end, policy domain): Google and Mimecast reuse report
 * IDs across date ranges, so the ID alone would lose data.
 */
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "report/owner_internal.h"
#include "report/extract_internal.h"
#include "core/alloc.h"
#include "core/ascii.h"
#include "crypto/crypto.h"

#define BATCH 64
#define NCOLS 14

struct ingest {
	inkan_report_store *s;
	const inkan_report_ingest_opts *opts;
	const inkan_report_limits *lim;
	inkan_report_ingest_stats *stats;
	const inkan_report_item *item;
	char errbuf[512];
	int64_t rid;		/* rua_reports.id of the report being stored */
	int in_tx;
	int dup;		/* already stored: parse to check, store nothing */
	inkan_status store_st;	/* a store failure: stop everything */
	/* the batch: strings copied into arena, referenced by offset */
	ik_buf arena;
	size_t off[BATCH][NCOLS];
	int64_t ints[BATCH][NCOLS];
	size_t nbatch;
	uint64_t messages;
	ik_buf enc;		/* scratch for one record's encoded fields */
	ik_buf sql_full;	/* the INSERT for a full batch, built once */
};

/* column kinds of rua_records, in INSERT order */
static const char col_is_int[NCOLS] = {
	1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1
};

static inkan_status
flush_batch(struct ingest *g)
{
	ik_report_param p[BATCH * NCOLS];
	ik_buf sql;
	inkan_status st;

	if (g->nbatch == 0)
		return INKAN_OK;
	ik_buf_init(&sql, g->s->ctx, 64 * 1024);
	/* a full batch reuses its SQL text; only the last one differs */
	ik_buf *text = g->nbatch == BATCH && g->sql_full.len ? &g->sql_full :
		&sql;
	if (text == &sql) {
		ik_buf_puts(&sql, "INSERT INTO rua_records (report, source_ip,"
			" count, disposition, dkim_eval, spf_eval, reason,"
			" header_from, envelope_from, dkim, spf, dmarc_pass,"
			" dkim_aligned, spf_aligned) VALUES ");
		for (size_t r = 0; r < g->nbatch; r++)
			ik_buf_puts(&sql, r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?)" :
				"(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
		if (g->nbatch == BATCH) {
			ik_buf_reset(&g->sql_full);
			ik_buf_append(&g->sql_full, sql.data, sql.len);
		}
	}
	for (size_t r = 0; r < g->nbatch; r++) {
		for (size_t c = 0; c < NCOLS; c++)
			p[r * NCOLS + c] = col_is_int[c] ?
				IK_RP_I(g->ints[r][c]) :
				IK_RP_S(g->arena.data + g->off[r][c]);
	}
	st = ik_report_query(g->s, ik_buf_str(text), p, g->nbatch * NCOLS,
		NULL, NULL);
	ik_buf_free(&sql);
	g->nbatch = 0;
	ik_buf_reset(&g->arena);
	return st;
}

static size_t
put(struct ingest *g, const char *s)
{
	size_t o = g->arena.len;

	if (ik_buf_append(&g->arena, s, strlen(s) + 1) != INKAN_OK)
		return (size_t)-1;
	return o;
}

/* "domain:selector:result;..." for the record's DKIM or SPF results */
static void
encode_auth(ik_buf *b, const inkan_agg_auth *a, size_t n, int spf)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ik_buf_putc(b, ';');
		ik_buf_puts(b, a[i].domain);
		ik_buf_putc(b, ':');
		ik_buf_puts(b, spf ? a[i].scope : a[i].selector);
		ik_buf_putc(b, ':');
		ik_buf_puts(b, a[i].result);
	}
}

/* relaxed alignment approximation for reports without policy_evaluated:
 * equal, or one a subdomain of the other (RFC 7489 3.1 via org domain) */
static int
related(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == 0 || lb == 0)
		return 0;
	if (ik_ascii_eq(a, la, b, lb))
		return 1;
	if (la > lb && a[la - lb - 1] == '.' && ik_ascii_eq(a + la - lb, lb,
	    b, lb))
		return 1;
	return lb > la && b[lb - la - 1] == '.' &&
		ik_ascii_eq(b + lb - la, la, a, la);
}

static inkan_status
on_begin(void *arg, const inkan_agg_meta *m, int *skip)
{
	struct ingest *g = arg;
	ik_report_res r = { 0 };
	inkan_status st;
	int allowed = g->opts == NULL || g->opts->ndomains == 0;

	for (size_t i = 0; !allowed && i < g->opts->ndomains; i++)
		if (ik_ascii_eqz(m->domain, strlen(m->domain),
		    g->opts->domains[i]))
			allowed = 1;
	if (!allowed) {
		snprintf(g->errbuf, sizeof(g->errbuf), "policy domain '%.200s'"
			" is not one of your domains (--domain)", m->domain);
		return INKAN_ERR_INVALID;
	}
	ik_report_param key[5] = {
		IK_RP_S(m->org_name), IK_RP_S(m->report_id), IK_RP_I(m->begin),
		IK_RP_I(m->end), IK_RP_S(m->domain)
	};
	if ((st = ik_report_exec(g->s, "BEGIN")) != INKAN_OK)
		goto store_fail;
	g->in_tx = 1;
	st = ik_report_query(g->s, "SELECT id FROM rua_reports WHERE org_name"
		" = ? AND report_id = ? AND begin_ts = ? AND end_ts = ? AND"
		" policy_domain = ?", key, 5, &r, NULL);
	if (st != INKAN_OK)
		goto store_fail;
	if (r.nrows > 0) {
		/* parsed to the end all the same, so a broken copy of a
		 * stored report is still reported as broken */
		ik_report_res_free(&r);
		g->dup = 1;
		return INKAN_OK;
	}
	ik_report_res_free(&r);
	char pct[16];
	snprintf(pct, sizeof(pct), "%d", m->pct);
	ik_report_param p[22] = {
		IK_RP_S(m->org_name), IK_RP_S(m->report_id), IK_RP_I(m->begin),
		IK_RP_I(m->end), IK_RP_S(m->domain), IK_RP_S(m->email),
		IK_RP_S(m->extra_contact), IK_RP_S(m->generator),
		IK_RP_S(m->version), IK_RP_I(m->rfc9990), IK_RP_S(m->adkim),
		IK_RP_S(m->aspf), IK_RP_S(m->p), IK_RP_S(m->sp),
		IK_RP_S(m->np), IK_RP_I(m->pct), IK_RP_S(m->fo),
		IK_RP_S(m->testing), IK_RP_S(m->discovery_method),
		IK_RP_S(g->item->origin), IK_RP_I(inkan_ctx_now(g->s->ctx)),
		IK_RP_I(0),
	};
	st = ik_report_query(g->s, "INSERT INTO rua_reports (org_name,"
		" report_id, begin_ts, end_ts, policy_domain, email,"
		" extra_contact, generator, version, rfc9990, adkim, aspf, p, sp,"
		" np, pct, fo, testing, discovery, origin, received, nrecords)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		" RETURNING id", p, 22, &r, NULL);
	if (st != INKAN_OK || r.nrows != 1)
		goto store_fail;
	g->rid = ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);
	g->messages = 0;
	return INKAN_OK;
store_fail:
	ik_report_res_free(&r);
	g->store_st = st != INKAN_OK ? st : INKAN_ERR_IO;
	return g->store_st;
}

static inkan_status
on_record(void *arg, const inkan_agg_meta *m, const inkan_agg_record *rec)
{
	struct ingest *g = arg;
	size_t r = g->nbatch;
	ik_buf *enc = &g->enc;
	int dkim_al, spf_al;
	inkan_status st;

	if (g->dup)
		return INKAN_OK;
	if (*rec->dkim || *rec->spf) {
		dkim_al = strcmp(rec->dkim, "pass") == 0;
		spf_al = strcmp(rec->spf, "pass") == 0;
	} else {
		/* no policy_evaluated verdicts: derive them */
		dkim_al = spf_al = 0;
		for (size_t i = 0; i < rec->ndkim; i++)
			if (strcmp(rec->dkim_auth[i].result, "pass") == 0 &&
			    related(rec->dkim_auth[i].domain, rec->header_from))
				dkim_al = 1;
		for (size_t i = 0; i < rec->nspf; i++)
			if (strcmp(rec->spf_auth[i].result, "pass") == 0 &&
			    related(rec->spf_auth[i].domain, rec->header_from))
				spf_al = 1;
	}
	ik_buf_reset(enc);
	g->ints[r][0] = g->rid;
	g->off[r][1] = put(g, rec->source_ip);
	g->ints[r][2] = (int64_t)(rec->count > INT64_MAX ? INT64_MAX :
		rec->count);
	g->off[r][3] = put(g, rec->disposition);
	g->off[r][4] = put(g, rec->dkim);
	g->off[r][5] = put(g, rec->spf);
	ik_buf_puts(enc, rec->reason_type);
	if (*rec->reason_comment) {
		ik_buf_puts(enc, ": ");
		ik_buf_puts(enc, rec->reason_comment);
	}
	g->off[r][6] = put(g, ik_buf_str(enc));
	g->off[r][7] = put(g, rec->header_from);
	g->off[r][8] = put(g, rec->envelope_from);
	ik_buf_reset(enc);
	encode_auth(enc, rec->dkim_auth, rec->ndkim, 0);
	g->off[r][9] = put(g, ik_buf_str(enc));
	ik_buf_reset(enc);
	encode_auth(enc, rec->spf_auth, rec->nspf, 1);
	g->off[r][10] = put(g, ik_buf_str(enc));
	g->ints[r][11] = dkim_al || spf_al;
	g->ints[r][12] = dkim_al;
	g->ints[r][13] = spf_al;
	for (size_t c = 0; c < NCOLS; c++)
		if (!col_is_int[c] && g->off[r][c] == (size_t)-1)
			return INKAN_ERR_NOMEM;
	g->nbatch++;
	g->messages += rec->count;
	if (g->nbatch == BATCH && (st = flush_batch(g)) != INKAN_OK) {
		g->store_st = st;
		return st;
	}
	return INKAN_OK;
}

/* gzip @len bytes at @d into @out */
static inkan_status
gzip_bytes(const inkan_ctx *ctx, const unsigned char *d, size_t len,
	ik_buf *out)
{
	z_stream z;
	unsigned char chunk[65536];
	int rc;
	inkan_status st = INKAN_OK;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return INKAN_ERR_NOMEM;
	z.next_in = (unsigned char *)d;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = deflate(&z, Z_FINISH);
		st = ik_buf_append(out, chunk, sizeof(chunk) - z.avail_out);
	} while (st == INKAN_OK && rc == Z_OK);
	deflateEnd(&z);
	return st == INKAN_OK && rc != Z_STREAM_END ? INKAN_ERR_INTERNAL : st;
}

inkan_status
ik_owner_b64(const unsigned char *d, size_t len, ik_buf *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		"qrstuvwxyz0123456789+/";
	char q[4];
	inkan_status st = INKAN_OK;

	for (size_t i = 0; i < len && st == INKAN_OK; i += 3) {
		unsigned v = (unsigned)d[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)d[i + 1] << 8;
		if (i + 2 < len)
			v |= d[i + 2];
		q[0] = t[(v >> 18) & 63];
		q[1] = t[(v >> 12) & 63];
		q[2] = i + 1 < len ? t[(v >> 6) & 63] : '=';
		q[3] = i + 2 < len ? t[v & 63] : '=';
		st = ik_buf_append(out, q, 4);
	}
	return st;
}

/* the raw report, gzip then base64 (both backends bind text) */
static inkan_status
raw_text(const inkan_ctx *ctx, const inkan_report_item *it, size_t max,
	ik_buf *out)
{
	ik_buf gz;
	inkan_status st;

	if (it->raw_is_gzip)
		return ik_owner_b64(it->raw, it->raw_len, out);
	ik_buf_init(&gz, ctx, max);
	st = gzip_bytes(ctx, it->data, it->len, &gz);
	if (st == INKAN_OK)
		st = ik_owner_b64((unsigned char *)gz.data, gz.len, out);
	ik_buf_free(&gz);
	return st;
}

static inkan_status
on_end(void *arg, const inkan_agg_meta *m, uint64_t nrecords)
{
	struct ingest *g = arg;
	inkan_status st;
	ik_buf raw;

	if (g->dup) {
		g->stats->aggregate_dup++;
		return INKAN_OK;	/* on_item rolls the read back */
	}
	if ((st = flush_batch(g)) != INKAN_OK)
		goto fail;
	ik_buf_init(&raw, g->s->ctx, g->lim->max_xml * 2);
	st = raw_text(g->s->ctx, g->item, g->lim->max_xml, &raw);
	if (st == INKAN_OK) {
		ik_report_param p[2] = { IK_RP_I(g->rid),
			IK_RP_S(ik_buf_str(&raw)) };
		st = ik_report_query(g->s, "INSERT INTO rua_raw (report,"
			" gzip_b64) VALUES (?, ?)", p, 2, NULL, NULL);
	}
	ik_buf_free(&raw);
	if (st != INKAN_OK)
		goto fail;
	ik_report_param u[3] = { IK_RP_I((int64_t)nrecords),
		IK_RP_I((int64_t)g->messages), IK_RP_I(g->rid) };
	st = ik_report_query(g->s, "UPDATE rua_reports SET nrecords = ?,"
		" messages = ? WHERE id = ?", u, 3, NULL, NULL);
	if (st != INKAN_OK)
		goto fail;
	if ((st = ik_report_exec(g->s, "COMMIT")) != INKAN_OK)
		goto fail;
	g->in_tx = 0;
	g->stats->aggregate_new++;
	g->stats->records += nrecords;
	return INKAN_OK;
fail:
	g->store_st = st;
	return st;
}

static void
refuse(struct ingest *g, const char *origin, const char *msg)
{
	g->stats->errors++;
	if (g->opts != NULL && g->opts->on_error != NULL)
		g->opts->on_error(g->opts->arg, origin, msg);
}

static inkan_status
store_failure(struct ingest *g, const inkan_report_item *it)
{
	inkan_failure_report *fr;
	char err[256], hex[2 * IK_HASH_MAX + 1];
	unsigned char md[IK_HASH_MAX];
	ik_crypto *c = NULL;
	ik_digest *d = NULL;
	ik_report_res r = { 0 };
	ik_buf raw;
	inkan_status st;

	st = inkan_failure_parse(g->s->ctx, it->data, it->len, g->lim, &fr,
		err, sizeof(err));
	if (st != INKAN_OK) {
		refuse(g, it->origin, err);
		return st == INKAN_ERR_NOMEM ? st : INKAN_OK;
	}
	if ((st = ik_crypto_new(g->s->ctx, &c)) != INKAN_OK ||
	    (st = ik_digest_new(c, IK_HASH_SHA256, &d)) != INKAN_OK ||
	    (st = ik_digest_update(d, it->data, it->len)) != INKAN_OK ||
	    (st = ik_digest_final(d, md)) != INKAN_OK)
		goto out;
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	const char *digest = hex;
	ik_report_param k[1] = { IK_RP_S(digest) };
	st = ik_report_query(g->s, "SELECT id FROM ruf_reports WHERE"
		" digest = ?", k, 1, &r, NULL);
	if (st != INKAN_OK)
		goto out;
	if (r.nrows > 0) {
		g->stats->failure_dup++;
		goto out;
	}
	ik_buf_init(&raw, g->s->ctx, g->lim->max_input * 2);
	st = raw_text(g->s->ctx, it, g->lim->max_input, &raw);
	if (st == INKAN_OK) {
		ik_report_param p[20] = {
			IK_RP_S(digest), IK_RP_I(inkan_ctx_now(g->s->ctx)),
			IK_RP_S(it->origin), IK_RP_I(fr->has_arf),
			IK_RP_S(fr->reporter), IK_RP_S(fr->report_date),
			IK_RP_S(fr->reported_domain), IK_RP_S(fr->source_ip),
			IK_RP_S(fr->arrival_date), IK_RP_S(fr->feedback_type),
			IK_RP_S(fr->auth_failure), IK_RP_S(fr->delivery_result),
			IK_RP_S(fr->dkim_domain), IK_RP_S(fr->dkim_selector),
			IK_RP_S(fr->original_mail_from),
			IK_RP_S(fr->orig_from), IK_RP_S(fr->orig_subject),
			IK_RP_S(fr->orig_message_id),
			IK_RP_S(fr->authentication_results),
			IK_RP_S(ik_buf_str(&raw)),
		};
		st = ik_report_query(g->s, "INSERT INTO ruf_reports (digest,"
			" received, origin, has_arf, reporter, report_date,"
			" reported_domain, source_ip, arrival_date,"
			" feedback_type, auth_failure, delivery_result,"
			" dkim_domain, dkim_selector, original_mail_from,"
			" orig_from, orig_subject, orig_message_id,"
			" authentication_results, raw_gzip_b64) VALUES"
			" (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", p, 20,
			NULL, NULL);
		if (st == INKAN_OK)
			g->stats->failure_new++;
	}
	ik_buf_free(&raw);
out:
	ik_report_res_free(&r);
	ik_digest_free(d);
	ik_crypto_free(c);
	inkan_failure_free(g->s->ctx, fr);
	if (st != INKAN_OK)
		g->store_st = st;
	return st;
}

static inkan_status
on_item(void *arg, const inkan_report_item *it)
{
	struct ingest *g = arg;
	inkan_agg_sink sink = { g, on_begin, on_record, on_end };
	char err[512];
	inkan_status st;

	if (it->kind == INKAN_REPORT_FAILURE)
		return store_failure(g, it);
	g->item = it;
	g->dup = 0;
	g->nbatch = 0;
	ik_buf_reset(&g->arena);
	g->errbuf[0] = '\0';
	st = inkan_agg_parse(g->s->ctx, it->data, it->len, g->lim, &sink, err,
		sizeof(err));
	if (g->in_tx) {
		/* refused, or a duplicate (read only): nothing stays */
		ik_report_exec(g->s, "ROLLBACK");
		g->in_tx = 0;
	}
	if (g->store_st != INKAN_OK)
		return g->store_st;
	if (st != INKAN_OK) {
		refuse(g, it->origin, g->errbuf[0] ? g->errbuf : err);
		if (st == INKAN_ERR_NOMEM)
			return st;
	}
	return INKAN_OK;
}

static void
on_extract_error(void *arg, const char *origin, inkan_status st,
	const char *msg)
{
	refuse(arg, origin, msg);
}

inkan_status
inkan_report_ingest(inkan_report_store *s, const void *data, size_t len,
	const char *origin, const inkan_report_ingest_opts *opts,
	inkan_report_ingest_stats *stats)
{
	struct ingest g;
	inkan_report_ingest_stats dummy;
	inkan_report_limits deflim;
	inkan_report_extract_cb cb;
	inkan_status st;

	memset(&g, 0, sizeof(g));
	memset(&dummy, 0, sizeof(dummy));
	g.s = s;
	g.opts = opts;
	g.stats = stats ? stats : &dummy;
	if (opts != NULL && opts->lim != NULL) {
		g.lim = opts->lim;
	} else {
		inkan_report_limits_default(&deflim);
		g.lim = &deflim;
	}
	ik_buf_init(&g.arena, s->ctx, (size_t)BATCH * NCOLS * 64 * 1024);
	ik_buf_init(&g.enc, s->ctx, 64 * 1024);
	ik_buf_init(&g.sql_full, s->ctx, 64 * 1024);
	/* SQLite: a bigger page cache for this connection, so a large
	 * report's transaction does not spill pages to disk before commit */
	if (strcmp(s->ops->name, "sqlite") == 0)
		(void)ik_report_exec(s, "PRAGMA cache_size = -65536");
	cb.arg = &g;
	cb.item = on_item;
	cb.error = on_extract_error;
	st = inkan_report_extract(s->ctx, data, len, origin, g.lim, &cb);
	ik_buf_free(&g.arena);
	ik_buf_free(&g.enc);
	ik_buf_free(&g.sql_full);
	if (st == INKAN_ERR_NOT_FOUND) {
		refuse(&g, origin ? origin : "input", "no DMARC report found "
			"(not XML, gzip, zip or a report mail)");
		return INKAN_OK;
	}
	return st;
}
