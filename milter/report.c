/* SPDX-License-Identifier: MIT */
/*
 * report.c - fill the report row of a verified message and hand it to the
 * sink (see report.h for the seam and its contract).
 */
#include <stddef.h>

#include "report.h"
#include "session.h"

void
mt_report_record(struct mt_session *s, const inkan_verify_result *r,
	const struct mt_act *a)
{
	struct mt_report_row row;

	if (s->d->report_sink == NULL)
		return;
	row.source_ip = s->ip[0] ? s->ip : NULL;
	row.header_from = r->dmarc->author_domain;
	row.envelope_from = s->m.mail_from;
	row.envelope_to = s->m.rcpt;
	row.result = r;
	row.action = a->action;
	row.monitor = a->monitor;
	row.forwarder = a->forwarder;
	if (s->d->report_sink(s->d->report_ud, &row) == 0)
		mt_stats_bump(&s->d->stats, MT_C_REPORT_ROWS);
	else
		mt_stats_bump(&s->d->stats, MT_C_REPORT_DROPPED);
}
