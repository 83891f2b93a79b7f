/* SPDX-License-Identifier: MIT */
/*
 * store.c - opening a report store, recording rows, and the helpers the
 * report builder and sender use to talk SQL through the backend.
 *
 * Two connections per store: the caller's (schema, building, sending)
 * and the writer thread's (row batches). Neither is shared between
 * threads, so the backends need no locking of their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "report/store_internal.h"

#define IK_REPORT_QUEUE_DEFAULT 100000

void
ik_report_res_free(ik_report_res *r)
{
	if (!r || !r->cells)
		return;
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		ik_free(r->ctx, r->cells[i]);
	ik_free(r->ctx, r->cells);
	memset(r, 0, sizeof *r);
}

const char *
ik_report_res_get(const ik_report_res *r, size_t row, size_t col)
{
	if (!r || row >= r->nrows || col >= r->ncols)
		return NULL;
	return r->cells[row * r->ncols + col];
}

int64_t
ik_report_res_int(const ik_report_res *r, size_t row, size_t col)
{
	const char *v = ik_report_res_get(r, row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

inkan_status
ik_report_exec(inkan_report_store *s, const char *sql)
{
	return s->ops->exec(s->db, sql);
}

inkan_status
ik_report_query(inkan_report_store *s, const char *sql,
	const ik_report_param *params, size_t nparams, ik_report_res *out,
	int64_t *changes)
{
	return s->ops->query(s->db, sql, params, nparams, out, changes);
}

static inkan_status
connect(inkan_report_store *s, const char *target, unsigned flags,
	void **db, char *err, size_t errlen)
{
	if (s->backend == INKAN_REPORT_BACKEND_POSTGRESQL)
		return ik_report_pg_open(s->ctx, target, &s->ops, db, err,
		    errlen);
	return ik_report_sqlite_open(s->ctx, target, flags, &s->ops, db,
	    err, errlen);
}

inkan_status
inkan_report_store_open(inkan_ctx *ctx, const char *uri, unsigned flags,
	inkan_report_store **out, char *err, size_t errlen)
{
	char target[4200];
	inkan_report_backend be;
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	inkan_status st = inkan_report_store_uri_parse(uri, &be, target,
	    sizeof target);
	if (st != INKAN_OK) {
		if (err && errlen)
			snprintf(err, errlen, "not a report store URI"
			    " (a file path, sqlite:PATH or postgresql://...)");
		return st == INKAN_ERR_LIMIT ? st : INKAN_ERR_SYNTAX;
	}
	inkan_report_store *s = ik_calloc(ctx, 1, sizeof *s);
	if (!s)
		return INKAN_ERR_NOMEM;
	s->ctx = ctx;
	s->backend = be;
	s->qmax = IK_REPORT_QUEUE_DEFAULT;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv_work, NULL);
	pthread_cond_init(&s->cv_done, NULL);
	st = connect(s, target, flags, &s->db, err, errlen);
	if (st == INKAN_OK)
		st = ik_report_schema_migrate(s, &s->schema_version, err,
		    errlen);
	if (st == INKAN_OK)
		st = connect(s, target, flags, &s->wdb, err, errlen);
	if (st == INKAN_OK)
		st = ik_report_writer_start(s);
	if (st != INKAN_OK) {
		inkan_report_store_close(s);
		return st;
	}
	*out = s;
	return INKAN_OK;
}

void
inkan_report_store_close(inkan_report_store *s)
{
	if (!s)
		return;
	ik_report_writer_stop(s);
	if (s->wdb)
		s->ops->close(s->wdb);
	if (s->db)
		s->ops->close(s->db);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv_work);
	pthread_cond_destroy(&s->cv_done);
	ik_free(s->ctx, s);
}

int
inkan_report_store_schema_version(const inkan_report_store *s)
{
	return s ? s->schema_version : 0;
}

const char *
inkan_report_store_backend_name(const inkan_report_store *s)
{
	return s && s->ops ? s->ops->name : "none";
}

inkan_status
inkan_report_store_add(inkan_report_store *s, const inkan_report_row *row)
{
	if (!s || !row)
		return INKAN_ERR_INVALID;
	/* cheap refusal before copying when the queue is full */
	pthread_mutex_lock(&s->mu);
	int full = s->qlen >= s->qmax;
	if (full)
		s->st.dropped++;
	pthread_mutex_unlock(&s->mu);
	if (full)
		return INKAN_ERR_LIMIT;
	ik_report_rec *rec;
	inkan_status st = ik_report_rec_new(s->ctx, row, &rec);
	if (st != INKAN_OK)
		return st;
	pthread_mutex_lock(&s->mu);
	if (s->qlen >= s->qmax || s->closing) {
		s->st.dropped++;
		pthread_mutex_unlock(&s->mu);
		ik_free(s->ctx, rec);
		return INKAN_ERR_LIMIT;
	}
	if (s->tail)
		s->tail->next = rec;
	else
		s->head = rec;
	s->tail = rec;
	s->qlen++;
	s->st.queued++;
	pthread_cond_signal(&s->cv_work);
	pthread_mutex_unlock(&s->mu);
	return INKAN_OK;
}

inkan_status
inkan_report_store_flush(inkan_report_store *s)
{
	if (!s)
		return INKAN_ERR_INVALID;
	pthread_mutex_lock(&s->mu);
	uint64_t want = s->st.queued;
	uint64_t lost_before = s->st.lost;
	pthread_cond_signal(&s->cv_work);
	while (s->done_seq < want && s->writer_started)
		pthread_cond_wait(&s->cv_done, &s->mu);
	int lost = s->st.lost != lost_before;
	pthread_mutex_unlock(&s->mu);
	return lost ? INKAN_ERR_IO : INKAN_OK;
}

void
inkan_report_store_stats_get(inkan_report_store *s,
	inkan_report_store_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->st;
	pthread_mutex_unlock(&s->mu);
}

void
inkan_report_store_set_queue_max(inkan_report_store *s, size_t max)
{
	pthread_mutex_lock(&s->mu);
	s->qmax = max ? max : IK_REPORT_QUEUE_DEFAULT;
	pthread_mutex_unlock(&s->mu);
}

inkan_status
inkan_report_store_count_rows(inkan_report_store *s, int64_t *out)
{
	ik_report_res r;
	inkan_status st = ik_report_query(s,
	    "SELECT COUNT(*) FROM report_rows", NULL, 0, &r, NULL);
	if (st != INKAN_OK)
		return st;
	*out = ik_report_res_int(&r, 0, 0);
	ik_report_res_free(&r);
	return INKAN_OK;
}
