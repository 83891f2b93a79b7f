/* SPDX-License-Identifier: MIT */
/*
 * report.h - report data of verified messages: one RFC 9990 row per
 * verified message with a DMARC record, recorded through the report
 * store (inkan/report.h, lib/report) named by report_store.
 *
 * Recording never delays or loses mail: inkan_report_store_add_verify()
 * copies the row into the store's bounded queue (report_buffer rows) and
 * returns at once; the store's writer thread commits in batches. A full
 * queue drops the row; dropped rows and rows of a failed batch are
 * counted (report_rows_dropped_total) and logged once a minute at most.
 * The store is opened once, after privileges are dropped, with its own
 * library context; a reload does not reopen it (a new report_store takes
 * a restart).
 */
#ifndef INKAN_MILTER_REPORT_H
#define INKAN_MILTER_REPORT_H

#include <stdio.h>

#include <inkan/report.h>
#include <inkan/verify.h>

#include "config.h"
#include "policy.h"

struct mt_session;
struct mt_daemon;

/* Open the store of @c (none when report_store is unset) for @d; errors
 * go to @errs. 0 on success. */
int mt_report_open(struct mt_daemon *d, const struct mt_config *c,
	FILE *errs);

/* Flush and close (at exit). */
void mt_report_close(struct mt_daemon *d);

/* Log rows lost since the last call (from the main loop). */
void mt_report_check(struct mt_daemon *d);

/* Record the row of a verified message; never blocks. */
void mt_report_record(struct mt_session *s, const inkan_verify_result *r,
	const struct mt_act *a);

#endif
