/* SPDX-License-Identifier: MIT */
/*
 * sqlite.c - the embedded store backend (libsqlite3).
 *
 * WAL mode: readers (report building) never block the writer thread and
 * the writer never blocks readers; synchronous=NORMAL is durable across
 * a process crash (kill -9) and loses at most the last transactions on
 * power loss, which is what a report store needs. A busy timeout covers
 * the short moments when two connections (the writer thread and a report
 * run, or two processes) both want to write.
 *
 * The "one host does the sending" lock is an flock() on PATH.lock: SQLite
 * is a single-host store, so a file lock is the right scope.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/alloc.h"
#include "report/store_internal.h"

#define SQ_CACHE 8

typedef struct ik_sqlite {
	inkan_ctx *ctx;
	sqlite3 *db;
	sqlite3_stmt *ins;	/* cached row insert */
	sqlite3_stmt *mark;	/* cached report_windows upsert */
	/* statements of sq_query kept prepared: a bulk ingest runs the same
	 * batch INSERT thousands of times, and preparing its 896 parameters
	 * cost more than executing it. Round-robin replacement. */
	struct {
		char *sql;
		sqlite3_stmt *stmt;
	} cache[SQ_CACHE];
	size_t cache_next;
	char *path;
	int lock_fd;
	char err[256];
} ik_sqlite;

static const char *
sq_errmsg(void *impl)
{
	ik_sqlite *q = impl;
	return q->err[0] ? q->err : sqlite3_errmsg(q->db);
}

static inkan_status
sq_fail(ik_sqlite *q, const char *what)
{
	snprintf(q->err, sizeof q->err, "%s: %s", what, sqlite3_errmsg(q->db));
	int code = sqlite3_errcode(q->db);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED ||
	    code == SQLITE_IOERR || code == SQLITE_FULL)
		return INKAN_ERR_IO;
	return INKAN_ERR_INTERNAL;
}

static inkan_status
sq_exec(void *impl, const char *sql)
{
	ik_sqlite *q = impl;
	q->err[0] = '\0';
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(q, "exec");
	return INKAN_OK;
}

static inkan_status
bind_params(ik_sqlite *q, sqlite3_stmt *stmt, const ik_report_param *p,
	size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc, idx = (int)i + 1;
		switch (p[i].type) {
		case IK_RP_INT:
			rc = sqlite3_bind_int64(stmt, idx, p[i].i);
			break;
		case IK_RP_TEXT:
			rc = sqlite3_bind_text(stmt, idx, p[i].s, -1,
			    SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(stmt, idx);
		}
		if (rc != SQLITE_OK)
			return sq_fail(q, "bind");
	}
	return INKAN_OK;
}

/* the prepared statement for @sql, from the cache or newly prepared and
 * cached; owned by @q (finalized by sq_close), reset by the caller */
static sqlite3_stmt *
sq_prepare_cached(ik_sqlite *q, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	size_t i;
	char *copy;

	for (i = 0; i < SQ_CACHE; i++)
		if (q->cache[i].sql && strcmp(q->cache[i].sql, sql) == 0)
			return q->cache[i].stmt;
	if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL) != SQLITE_OK)
		return NULL;
	if ((copy = ik_strdup(q->ctx, sql)) == NULL) {
		sqlite3_finalize(stmt);
		return NULL;
	}
	i = q->cache_next;
	q->cache_next = (q->cache_next + 1) % SQ_CACHE;
	sqlite3_finalize(q->cache[i].stmt);
	ik_free(q->ctx, q->cache[i].sql);
	q->cache[i].sql = copy;
	q->cache[i].stmt = stmt;
	return stmt;
}

static inkan_status
sq_query(void *impl, const char *sql, const ik_report_param *params,
	size_t nparams, ik_report_res *out, int64_t *changes)
{
	ik_sqlite *q = impl;
	sqlite3_stmt *stmt = NULL;
	q->err[0] = '\0';
	if (out) {
		memset(out, 0, sizeof *out);
		out->ctx = q->ctx;
	}
	if ((stmt = sq_prepare_cached(q, sql)) == NULL)
		return sq_fail(q, "prepare");
	inkan_status st = bind_params(q, stmt, params, nparams);
	size_t cap = 0;
	int ncols = sqlite3_column_count(stmt);
	while (st == INKAN_OK) {
		int rc = sqlite3_step(stmt);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			st = sq_fail(q, "step");
			break;
		}
		if (!out)
			continue;
		out->ncols = (size_t)ncols;
		if (out->nrows == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **c = ik_reallocarray(q->ctx, out->cells,
			    ncap * out->ncols > 0 ? ncap * out->ncols : 1,
			    sizeof *c);
			if (!c) {
				st = INKAN_ERR_NOMEM;
				break;
			}
			out->cells = c;
			cap = ncap;
		}
		for (int c = 0; c < ncols; c++) {
			const unsigned char *t = sqlite3_column_text(stmt, c);
			char *v = NULL;
			if (t) {
				v = ik_strndup(q->ctx, (const char *)t,
				    (size_t)sqlite3_column_bytes(stmt, c));
				if (!v)
					st = INKAN_ERR_NOMEM;
			}
			out->cells[out->nrows * out->ncols + (size_t)c] = v;
		}
		out->nrows++;
	}
	/* reset at once: a stepped statement would hold its read
	 * transaction open; bindings may point into the caller's memory */
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (st != INKAN_OK && out)
		ik_report_res_free(out);
	if (st == INKAN_OK && changes)
		*changes = sqlite3_changes64(q->db);
	return st;
}

#define INS_SQL \
	"INSERT INTO report_rows (time, source_ip, header_from," \
	" envelope_from, envelope_to, spf_domain, spf_scope, spf_result," \
	" spf_human, dkim, dmarc, dkim_aligned, spf_aligned, disposition," \
	" reasons, policy_domain, p, sp, np, adkim, aspf, fo, testing," \
	" discovery, rua, ruf, ri, error, flags) VALUES (?,?,?,?,?,?,?,?,?," \
	"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

static void
bt(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else if (v)
		sqlite3_bind_text(s, i, "", 0, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static inkan_status
sq_insert_rows(void *impl, ik_report_rec *const *recs, size_t n)
{
	ik_sqlite *q = impl;
	q->err[0] = '\0';
	if (!q->ins && sqlite3_prepare_v3(q->db, INS_SQL, -1,
	    SQLITE_PREPARE_PERSISTENT, &q->ins, NULL) != SQLITE_OK)
		return sq_fail(q, "prepare insert");
	for (size_t k = 0; k < n; k++) {
		const ik_report_rec *r = recs[k];
		sqlite3_stmt *s = q->ins;
		int i = 1;
		sqlite3_bind_int64(s, i++, r->time);
		bt(s, i++, r->source_ip);
		bt(s, i++, r->header_from);
		bt(s, i++, r->envelope_from);
		bt(s, i++, r->envelope_to);
		bt(s, i++, r->spf_domain);
		sqlite3_bind_int(s, i++, r->spf_scope_mfrom);
		sqlite3_bind_int(s, i++, r->spf_result);
		bt(s, i++, r->spf_human);
		bt(s, i++, r->dkim);
		sqlite3_bind_int(s, i++, r->dmarc);
		sqlite3_bind_int(s, i++, r->dkim_aligned);
		sqlite3_bind_int(s, i++, r->spf_aligned);
		sqlite3_bind_int(s, i++, r->disposition);
		bt(s, i++, r->reasons);
		bt(s, i++, r->policy_domain);
		sqlite3_bind_int(s, i++, r->p);
		sqlite3_bind_int(s, i++, r->sp);
		sqlite3_bind_int(s, i++, r->np);
		bt(s, i++, r->adkim[0] ? r->adkim : NULL);
		bt(s, i++, r->aspf[0] ? r->aspf : NULL);
		bt(s, i++, r->fo);
		sqlite3_bind_int(s, i++, r->testing);
		sqlite3_bind_int(s, i++, r->discovery);
		bt(s, i++, r->rua);
		bt(s, i++, r->ruf);
		sqlite3_bind_int64(s, i++, r->ri);
		bt(s, i++, r->error);
		sqlite3_bind_int(s, i++, (int)r->flags);
		int rc = sqlite3_step(s);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		if (rc != SQLITE_DONE)
			return sq_fail(q, "insert");
	}
	/* the hours that now hold rows to report (claim.c) */
	if (!q->mark && sqlite3_prepare_v3(q->db, "INSERT INTO report_windows"
	    " (policy_domain, hour) VALUES (?, ?) ON CONFLICT DO NOTHING", -1,
	    SQLITE_PREPARE_PERSISTENT, &q->mark, NULL) != SQLITE_OK)
		return sq_fail(q, "prepare mark");
	ik_report_mark *m = ik_reallocarray(q->ctx, NULL, n ? n : 1,
	    sizeof *m);
	if (!m)
		return INKAN_ERR_NOMEM;
	size_t nm = ik_report_marks(recs, n, m);
	inkan_status st = INKAN_OK;
	for (size_t k = 0; k < nm && st == INKAN_OK; k++) {
		sqlite3_bind_text(q->mark, 1, m[k].domain, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q->mark, 2, m[k].hour);
		int rc = sqlite3_step(q->mark);
		sqlite3_reset(q->mark);
		if (rc != SQLITE_DONE)
			st = sq_fail(q, "mark");
	}
	ik_free(q->ctx, m);
	return st;
}

static inkan_status
sq_try_lock(void *impl, int64_t key, int *got)
{
	ik_sqlite *q = impl;
	(void)key;	/* one lock per store file is enough for one host */
	*got = 0;
	if (q->lock_fd < 0) {
		char p[4096];
		if ((size_t)snprintf(p, sizeof p, "%s.lock", q->path) >=
		    sizeof p)
			return INKAN_ERR_LIMIT;
		q->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (q->lock_fd < 0) {
			snprintf(q->err, sizeof q->err, "cannot open the lock file");
			return INKAN_ERR_IO;
		}
	}
	if (flock(q->lock_fd, LOCK_EX | LOCK_NB) == 0)
		*got = 1;
	return INKAN_OK;
}

static void
sq_unlock(void *impl, int64_t key)
{
	ik_sqlite *q = impl;
	(void)key;
	if (q->lock_fd >= 0)
		flock(q->lock_fd, LOCK_UN);
}

static void
sq_close(void *impl)
{
	ik_sqlite *q = impl;
	if (!q)
		return;
	sqlite3_finalize(q->ins);
	sqlite3_finalize(q->mark);
	for (size_t i = 0; i < SQ_CACHE; i++) {
		sqlite3_finalize(q->cache[i].stmt);
		ik_free(q->ctx, q->cache[i].sql);
	}
	sqlite3_close(q->db);
	if (q->lock_fd >= 0)
		close(q->lock_fd);
	ik_free(q->ctx, q->path);
	ik_free(q->ctx, q);
}

static const ik_report_db_ops sqlite_ops = {
	.name = "sqlite",
	.exec = sq_exec,
	.query = sq_query,
	.insert_rows = sq_insert_rows,
	.try_lock = sq_try_lock,
	.unlock = sq_unlock,
	.errmsg = sq_errmsg,
	.close = sq_close,
};

inkan_status
ik_report_sqlite_open(inkan_ctx *ctx, const char *path, unsigned flags,
	const ik_report_db_ops **ops, void **out, char *err, size_t errlen)
{
	ik_sqlite *q = ik_calloc(ctx, 1, sizeof *q);
	if (!q)
		return INKAN_ERR_NOMEM;
	q->ctx = ctx;
	q->lock_fd = -1;
	q->path = ik_strdup(ctx, path);
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (!(flags & INKAN_REPORT_STORE_NO_CREATE))
		oflags |= SQLITE_OPEN_CREATE;
	if (!q->path || sqlite3_open_v2(path, &q->db, oflags, NULL) !=
	    SQLITE_OK) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, q->db ?
			    sqlite3_errmsg(q->db) : "out of memory");
		sq_close(q);
		return INKAN_ERR_IO;
	}
	sqlite3_busy_timeout(q->db, 30000);
	/* a 64 MiB page cache and reads through mmap: building a report
	 * reads rows spread over the whole file, and pread() per page was
	 * most of its cost; grouping's temporary b-trees stay in memory */
	if (sq_exec(q, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA cache_size=-65536;"
	    "PRAGMA mmap_size=1073741824;"
	    "PRAGMA temp_store=MEMORY;") != INKAN_OK) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, q->err);
		sq_close(q);
		return INKAN_ERR_IO;
	}
	*ops = &sqlite_ops;
	*out = q;
	return INKAN_OK;
}
