/* SPDX-License-Identifier: MIT */
/*
 * report.h - report data of verified messages (RFC 9990 aggregate report
 * rows) on their way to the report store.
 *
 * SEAM: the report store (lib/report, include/inkan/report.h) is being
 * built on its own branch and has no committed interface yet. Until it
 * lands, mt_report_record() fills a row and hands it to the daemon's
 * sink when one is set; none is set today, so nothing is recorded. The
 * contract the store must meet: recording never blocks the mail path
 * (a bounded queue in front of it; a full queue drops the row and counts
 * it in report_rows_dropped_total, logged once a minute).
 */
#ifndef INKAN_MILTER_REPORT_H
#define INKAN_MILTER_REPORT_H

#include <inkan/verify.h>

#include "policy.h"

struct mt_session;

/* One row: what RFC 9990's <record> needs for this message. Strings are
 * borrowed from the verify result and the session for the call. */
struct mt_report_row {
	const char *source_ip;
	const char *header_from;
	const char *envelope_from;
	const char *envelope_to;
	const inkan_verify_result *result;	/* SPF, DKIM, DMARC */
	enum mt_action action;
	int monitor;				/* local policy override */
	int forwarder;				/* trusted forwarder */
};

/* A sink copies the row; it must return at once (see above). */
typedef int (*mt_report_sink_fn)(void *ud, const struct mt_report_row *r);

void mt_report_record(struct mt_session *s, const inkan_verify_result *r,
	const struct mt_act *a);

#endif
