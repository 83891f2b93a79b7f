/* SPDX-License-Identifier: MIT */
/*
 * pg.c - the PostgreSQL store backend (libpq), for many MTAs sharing
 * one store.
 *
 * Statements use the store's common SQL with "?" placeholders, renumbered
 * here to $1..$n and sent with PQexecParams (parameters as text, never
 * spliced into the SQL). Row batches go through COPY ... FROM STDIN, one
 * round trip per batch instead of one per row.
 *
 * The "one host does the sending" lock is a session advisory lock
 * (pg_try_advisory_lock): it is released when the connection ends, so a
 * host killed in the middle of a run frees it for the next.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "report/store_internal.h"

typedef struct ik_pg {
	inkan_ctx *ctx;
	PGconn *conn;
	char err[512];
} ik_pg;

static const char *
pg_errmsg(void *impl)
{
	ik_pg *g = impl;
	return g->err;
}

static inkan_status
pg_fail(ik_pg *g, const char *what, PGresult *res)
{
	const char *m = res ? PQresultErrorMessage(res) : "";
	if (!m || !*m)
		m = PQerrorMessage(g->conn);
	snprintf(g->err, sizeof g->err, "%s: %s", what, m);
	/* strip libpq's trailing newline */
	size_t n = strlen(g->err);
	while (n && (g->err[n - 1] == '\n' || g->err[n - 1] == '\r'))
		g->err[--n] = '\0';
	if (res)
		PQclear(res);
	return PQstatus(g->conn) == CONNECTION_OK ? INKAN_ERR_INTERNAL :
	    INKAN_ERR_IO;
}

static int
res_ok(PGresult *r)
{
	ExecStatusType t = PQresultStatus(r);
	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

static inkan_status
pg_exec(void *impl, const char *sql)
{
	ik_pg *g = impl;
	g->err[0] = '\0';
	PGresult *r = PQexec(g->conn, sql);
	if (!r || !res_ok(r))
		return pg_fail(g, "exec", r);
	PQclear(r);
	return INKAN_OK;
}

/* "?" -> "$n", outside quoted literals and identifiers */
static inkan_status
renumber(ik_pg *g, const char *sql, ik_buf *b)
{
	int n = 0;
	char q = 0;
	for (const char *p = sql; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '?') {
			if (ik_buf_printf(b, "$%d", ++n) != INKAN_OK)
				return INKAN_ERR_NOMEM;
			continue;
		}
		if (ik_buf_putc(b, *p) != INKAN_OK)
			return INKAN_ERR_NOMEM;
	}
	(void)g;
	return INKAN_OK;
}

static inkan_status
pg_query(void *impl, const char *sql, const ik_report_param *params,
	size_t nparams, ik_report_res *out, int64_t *changes)
{
	ik_pg *g = impl;
	g->err[0] = '\0';
	if (out) {
		memset(out, 0, sizeof *out);
		out->ctx = g->ctx;
	}
	if (nparams > 64)
		return INKAN_ERR_LIMIT;
	ik_buf b;
	ik_buf_init(&b, g->ctx, 1 << 20);
	inkan_status st = renumber(g, sql, &b);
	if (st != INKAN_OK) {
		ik_buf_free(&b);
		return st;
	}
	const char *vals[64];
	char nums[64][24];
	for (size_t i = 0; i < nparams; i++) {
		if (params[i].type == IK_RP_INT) {
			snprintf(nums[i], sizeof nums[i], "%" PRId64,
			    params[i].i);
			vals[i] = nums[i];
		} else if (params[i].type == IK_RP_TEXT) {
			vals[i] = params[i].s;
		} else {
			vals[i] = NULL;
		}
	}
	PGresult *r = PQexecParams(g->conn, ik_buf_str(&b), (int)nparams,
	    NULL, vals, NULL, NULL, 0);
	ik_buf_free(&b);
	if (!r || !res_ok(r))
		return pg_fail(g, "query", r);
	if (changes) {
		const char *c = PQcmdTuples(r);
		*changes = c && *c ? strtoll(c, NULL, 10) : 0;
	}
	if (out && PQresultStatus(r) == PGRES_TUPLES_OK) {
		size_t nr = (size_t)PQntuples(r), nc = (size_t)PQnfields(r);
		out->nrows = nr;
		out->ncols = nc;
		out->cells = ik_calloc(g->ctx, nr * nc > 0 ? nr * nc : 1,
		    sizeof(char *));
		if (!out->cells) {
			out->nrows = 0;
			PQclear(r);
			return INKAN_ERR_NOMEM;
		}
		for (size_t i = 0; i < nr; i++)
			for (size_t j = 0; j < nc; j++) {
				if (PQgetisnull(r, (int)i, (int)j))
					continue;
				char *v = ik_strndup(g->ctx,
				    PQgetvalue(r, (int)i, (int)j),
				    (size_t)PQgetlength(r, (int)i, (int)j));
				if (!v) {
					PQclear(r);
					ik_report_res_free(out);
					return INKAN_ERR_NOMEM;
				}
				out->cells[i * nc + j] = v;
			}
	}
	PQclear(r);
	return INKAN_OK;
}

/* COPY text format: backslash escapes, \N for NULL */
static inkan_status
copy_text(ik_buf *b, const char *s)
{
	if (!s)
		return ik_buf_puts(b, "\\N");
	inkan_status st = INKAN_OK;
	for (; *s && st == INKAN_OK; s++) {
		switch (*s) {
		case '\\': st = ik_buf_puts(b, "\\\\"); break;
		case '\t': st = ik_buf_puts(b, "\\t"); break;
		case '\n': st = ik_buf_puts(b, "\\n"); break;
		case '\r': st = ik_buf_puts(b, "\\r"); break;
		default: st = ik_buf_putc(b, *s);
		}
	}
	return st;
}

static inkan_status
copy_row(ik_buf *b, const ik_report_rec *r)
{
	inkan_status st = ik_buf_printf(b, "%" PRId64 "\t", r->time);
#define T(v) do { if (st == INKAN_OK) st = copy_text(b, (v)); \
	if (st == INKAN_OK) st = ik_buf_putc(b, '\t'); } while (0)
#define I(v) do { if (st == INKAN_OK) st = ik_buf_printf(b, "%" PRId64 "\t", \
	(int64_t)(v)); } while (0)
	T(r->source_ip); T(r->header_from); T(r->envelope_from);
	T(r->envelope_to); T(r->spf_domain); I(r->spf_scope_mfrom);
	I(r->spf_result); T(r->spf_human); T(r->dkim); I(r->dmarc);
	I(r->dkim_aligned); I(r->spf_aligned); I(r->disposition);
	T(r->reasons); T(r->policy_domain); I(r->p); I(r->sp); I(r->np);
	T(r->adkim[0] ? r->adkim : NULL); T(r->aspf[0] ? r->aspf : NULL);
	T(r->fo); I(r->testing); I(r->discovery); T(r->rua); T(r->ruf);
	I(r->ri); T(r->error);
#undef T
#undef I
	if (st == INKAN_OK)
		st = ik_buf_printf(b, "%u\n", r->flags);
	return st;
}

/* An array literal element: "..." with " and \\ escaped */
static inkan_status
array_elem(ik_buf *b, const char *s)
{
	inkan_status st = ik_buf_putc(b, '"');
	for (; *s && st == INKAN_OK; s++) {
		if (*s == '"' || *s == '\\')
			st = ik_buf_putc(b, '\\');
		if (st == INKAN_OK)
			st = ik_buf_putc(b, *s);
	}
	return st == INKAN_OK ? ik_buf_putc(b, '"') : st;
}

/* the hours that now hold rows to report (claim.c): one statement, the
 * pairs as two arrays */
static inkan_status
pg_marks(ik_pg *g, ik_report_rec *const *recs, size_t n)
{
	ik_report_mark *m = ik_reallocarray(g->ctx, NULL, n ? n : 1,
	    sizeof *m);
	if (!m)
		return INKAN_ERR_NOMEM;
	size_t nm = ik_report_marks(recs, n, m);
	ik_buf doms, hours;
	ik_buf_init(&doms, g->ctx, 64u << 20);
	ik_buf_init(&hours, g->ctx, 64u << 20);
	inkan_status st = ik_buf_putc(&doms, '{');
	if (st == INKAN_OK)
		st = ik_buf_putc(&hours, '{');
	for (size_t k = 0; k < nm && st == INKAN_OK; k++) {
		if (k) {
			st = ik_buf_putc(&doms, ',');
			if (st == INKAN_OK)
				st = ik_buf_putc(&hours, ',');
		}
		if (st == INKAN_OK)
			st = array_elem(&doms, m[k].domain);
		if (st == INKAN_OK)
			st = ik_buf_printf(&hours, "%" PRId64, m[k].hour);
	}
	if (st == INKAN_OK)
		st = ik_buf_putc(&doms, '}');
	if (st == INKAN_OK)
		st = ik_buf_putc(&hours, '}');
	ik_free(g->ctx, m);
	if (st == INKAN_OK) {
		ik_report_param p[2] = { IK_RP_S(ik_buf_str(&doms)),
		    IK_RP_S(ik_buf_str(&hours)) };
		st = pg_query(g, "INSERT INTO report_windows (policy_domain,"
		    " hour) SELECT * FROM unnest(?::text[], ?::bigint[])"
		    " ON CONFLICT DO NOTHING", p, 2, NULL, NULL);
	}
	ik_buf_free(&doms);
	ik_buf_free(&hours);
	return st;
}

static inkan_status
pg_insert_rows(void *impl, ik_report_rec *const *recs, size_t n)
{
	ik_pg *g = impl;
	g->err[0] = '\0';
	PGresult *r = PQexec(g->conn, "COPY report_rows (time, source_ip,"
	    " header_from, envelope_from, envelope_to, spf_domain, spf_scope,"
	    " spf_result, spf_human, dkim, dmarc, dkim_aligned, spf_aligned,"
	    " disposition, reasons, policy_domain, p, sp, np, adkim, aspf, fo,"
	    " testing, discovery, rua, ruf, ri, error, flags) FROM STDIN");
	if (!r || PQresultStatus(r) != PGRES_COPY_IN)
		return pg_fail(g, "copy", r);
	PQclear(r);
	ik_buf b;
	ik_buf_init(&b, g->ctx, 64u << 20);
	inkan_status st = INKAN_OK;
	for (size_t i = 0; i < n && st == INKAN_OK; i++) {
		st = copy_row(&b, recs[i]);
		if (st == INKAN_OK && (b.len > (1u << 20) || i + 1 == n)) {
			if (PQputCopyData(g->conn, b.data, (int)b.len) != 1)
				st = INKAN_ERR_IO;
			ik_buf_reset(&b);
		}
	}
	ik_buf_free(&b);
	if (PQputCopyEnd(g->conn, st == INKAN_OK ? NULL : "aborted") != 1)
		st = INKAN_ERR_IO;
	while ((r = PQgetResult(g->conn)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			pg_fail(g, "copy", r);
			st = INKAN_ERR_IO;
		} else {
			PQclear(r);
		}
	}
	if (st == INKAN_OK)
		st = pg_marks(g, recs, n);
	return st;
}

static inkan_status
pg_try_lock(void *impl, int64_t key, int *got)
{
	ik_pg *g = impl;
	ik_report_param p = IK_RP_I(key);
	ik_report_res r;
	*got = 0;
	inkan_status st = pg_query(g, "SELECT pg_try_advisory_lock(?)", &p, 1,
	    &r, NULL);
	if (st != INKAN_OK)
		return st;
	const char *v = ik_report_res_get(&r, 0, 0);
	*got = v && v[0] == 't';
	ik_report_res_free(&r);
	return INKAN_OK;
}

static void
pg_unlock(void *impl, int64_t key)
{
	ik_pg *g = impl;
	ik_report_param p = IK_RP_I(key);
	(void)pg_query(g, "SELECT pg_advisory_unlock(?)", &p, 1, NULL, NULL);
}

static void
pg_close(void *impl)
{
	ik_pg *g = impl;
	if (!g)
		return;
	PQfinish(g->conn);
	ik_free(g->ctx, g);
}

static void
quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;	/* "relation already exists, skipping" and such */
}

static const ik_report_db_ops pg_ops = {
	.name = "postgresql",
	.exec = pg_exec,
	.query = pg_query,
	.insert_rows = pg_insert_rows,
	.try_lock = pg_try_lock,
	.unlock = pg_unlock,
	.errmsg = pg_errmsg,
	.close = pg_close,
};

inkan_status
ik_report_pg_open(inkan_ctx *ctx, const char *conninfo,
	const ik_report_db_ops **ops, void **out, char *err, size_t errlen)
{
	ik_pg *g = ik_calloc(ctx, 1, sizeof *g);
	if (!g)
		return INKAN_ERR_NOMEM;
	g->ctx = ctx;
	g->conn = PQconnectdb(conninfo);
	if (!g->conn || PQstatus(g->conn) != CONNECTION_OK) {
		if (err && errlen)
			snprintf(err, errlen, "postgresql: %s", g->conn ?
			    PQerrorMessage(g->conn) : "out of memory");
		pg_close(g);
		return INKAN_ERR_IO;
	}
	PQsetNoticeProcessor(g->conn, quiet_notices, NULL);
	*ops = &pg_ops;
	*out = g;
	return INKAN_OK;
}
