/* SPDX-License-Identifier: MIT */
/*
 * report.c - report rows of verified messages through the report store
 * (see report.h: a bounded queue, never blocking the mail path).
 */
#include <string.h>

#include "report.h"
#include "session.h"

int
mt_report_open(struct mt_daemon *d, const struct mt_config *c, FILE *errs)
{
	char err[512];
	inkan_status st;

	if (c->report_store == NULL)
		return 0;
	if (inkan_ctx_new(NULL, &d->report_ctx) != INKAN_OK) {
		fprintf(errs, "report_store: out of memory\n");
		return -1;
	}
	err[0] = '\0';
	st = inkan_report_store_open(d->report_ctx, c->report_store, 0,
		&d->report, err, sizeof(err));
	if (st != INKAN_OK) {
		fprintf(errs, "report_store %s: %s\n", c->report_store,
			err[0] ? err : inkan_strerror(st));
		inkan_ctx_free(d->report_ctx);
		d->report_ctx = NULL;
		return -1;
	}
	inkan_report_store_set_queue_max(d->report, c->report_buffer);
	return 0;
}

void
mt_report_close(struct mt_daemon *d)
{
	inkan_report_store_close(d->report);
	d->report = NULL;
	inkan_ctx_free(d->report_ctx);
	d->report_ctx = NULL;
}

void
mt_report_check(struct mt_daemon *d)
{
	inkan_report_store_stats s;
	uint64_t lost;

	if (d->report == NULL)
		return;
	inkan_report_store_stats_get(d->report, &s);
	lost = s.dropped + s.lost;
	if (lost > d->report_lost_logged) {
		mt_log(d, MT_WARNING, "report store: %llu row%s lost "
			"(%llu dropped with the queue full, %llu in failed "
			"batches); mail was not delayed",
			(unsigned long long)(lost - d->report_lost_logged),
			lost - d->report_lost_logged == 1 ? "" : "s",
			(unsigned long long)s.dropped,
			(unsigned long long)s.lost);
		/* batches that failed after add are counted here too */
		atomic_store(&d->stats.c[MT_C_REPORT_DROPPED], lost);
		d->report_lost_logged = lost;
	}
}

void
mt_report_record(struct mt_session *s, const inkan_verify_result *r,
	const struct mt_act *a)
{
	inkan_report_reason why[2];
	size_t n = 0;
	const char *rcpt_domain;
	inkan_status st;

	if (s->d->report == NULL || s->ip[0] == '\0')
		return;
	if (a->forwarder) {
		why[n].type = INKAN_REPORT_OVERRIDE_TRUSTED_FORWARDER;
		why[n++].comment = "trusted_forwarders";
	}
	if (a->monitor) {
		why[n].type = INKAN_REPORT_OVERRIDE_LOCAL_POLICY;
		why[n++].comment = "monitor mode";
	}
	rcpt_domain = strrchr(s->m.rcpt, '@');
	st = inkan_report_store_add_verify(s->d->report, r, s->ip,
		s->m.mail_from, rcpt_domain != NULL ? rcpt_domain + 1 : NULL,
		inkan_ctx_now(s->st->ctx), why, n, 0);
	if (st == INKAN_OK)
		mt_stats_bump(&s->d->stats, MT_C_REPORT_ROWS);
	else if (st != INKAN_ERR_NOT_FOUND)
		mt_stats_bump(&s->d->stats, MT_C_REPORT_DROPPED);
}
