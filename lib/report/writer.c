/* SPDX-License-Identifier: MIT */
/*
 * writer.c - the one thread that writes rows.
 *
 * Callers only append to a queue (store.c); this thread takes everything
 * queued, up to a batch, and writes it in one transaction on its own
 * connection. Batching is what makes recording cheap: one commit (one
 * fsync in SQLite's WAL) per batch instead of per message.
 *
 * A failed batch is retried a few times (a busy database, a PostgreSQL
 * restart); after that its rows are counted as lost and logged, and the
 * thread goes on, so one bad moment does not wedge recording.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/ctx_internal.h"
#include "report/store_internal.h"

#define IK_REPORT_BATCH 4096
#define IK_REPORT_TRIES 3

static int
mark_cmp(const void *a, const void *b)
{
	const ik_report_mark *x = a, *y = b;
	int c = strcmp(x->domain, y->domain);
	if (c)
		return c;
	return x->hour < y->hour ? -1 : x->hour > y->hour;
}

size_t
ik_report_marks(ik_report_rec *const *recs, size_t n, ik_report_mark *marks)
{
	for (size_t i = 0; i < n; i++) {
		int64_t t = recs[i]->time;
		marks[i].domain = recs[i]->policy_domain;
		marks[i].hour = t / 3600 - (t % 3600 < 0);
	}
	qsort(marks, n, sizeof *marks, mark_cmp);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || mark_cmp(&marks[k - 1], &marks[i]) != 0)
			marks[k++] = marks[i];
	return k;
}

static inkan_status
write_batch(inkan_report_store *s, ik_report_rec **recs, size_t n)
{
	const ik_report_db_ops *o = s->ops;
	inkan_status st = o->exec(s->wdb, "BEGIN");
	if (st == INKAN_OK)
		st = o->insert_rows(s->wdb, recs, n);
	if (st == INKAN_OK)
		st = o->exec(s->wdb, "COMMIT");
	if (st != INKAN_OK) {
		ik_log(s->ctx, INKAN_LOG_WARNING,
		    "report store: writing %zu rows: %s", n,
		    o->errmsg(s->wdb));
		o->exec(s->wdb, "ROLLBACK");
	}
	return st;
}

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void *
writer_main(void *arg)
{
	inkan_report_store *s = arg;
	ik_report_rec *batch[IK_REPORT_BATCH];
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while ((!s->head || s->hold) && !s->closing)
			pthread_cond_wait(&s->cv_work, &s->mu);
		if (!s->head && s->closing)
			break;
		size_t n = 0;
		while (s->head && n < IK_REPORT_BATCH) {
			batch[n++] = s->head;
			s->head = s->head->next;
			s->qlen--;
		}
		if (!s->head)
			s->tail = NULL;
		pthread_mutex_unlock(&s->mu);

		inkan_status st = INKAN_ERR_IO;
		for (int t = 0; t < IK_REPORT_TRIES && st != INKAN_OK; t++) {
			if (t)
				nap_ms(100L << t);
			st = write_batch(s, batch, n);
		}
		for (size_t i = 0; i < n; i++)
			ik_free(s->ctx, batch[i]);

		pthread_mutex_lock(&s->mu);
		if (st == INKAN_OK) {
			s->st.written += n;
			s->st.batches++;
		} else {
			s->st.lost += n;
			ik_log(s->ctx, INKAN_LOG_ERROR,
			    "report store: %zu rows lost", n);
		}
		s->done_seq += n;
		pthread_cond_broadcast(&s->cv_done);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

inkan_status
ik_report_writer_start(inkan_report_store *s)
{
	if (pthread_create(&s->writer, NULL, writer_main, s) != 0)
		return INKAN_ERR_INTERNAL;
	s->writer_started = 1;
	return INKAN_OK;
}

void
ik_report_writer_stop(inkan_report_store *s)
{
	if (!s->writer_started)
		return;
	pthread_mutex_lock(&s->mu);
	s->closing = 1;
	pthread_cond_signal(&s->cv_work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer, NULL);
	pthread_mutex_lock(&s->mu);
	s->writer_started = 0;
	pthread_cond_broadcast(&s->cv_done);
	pthread_mutex_unlock(&s->mu);
}
