/* SPDX-License-Identifier: MIT */
/* report_internal.h - what building and sending reports share. */
#ifndef INKAN_REPORT_REPORT_INTERNAL_H
#define INKAN_REPORT_REPORT_INTERNAL_H

#include "report/store_internal.h"

/* Seconds after a window's end before it is claimed: rows stamped inside
 * it may still be on their way from a writer (another host's batch). A
 * row that arrives later still is reported, in a second report for the
 * same window. */
#define IK_REPORT_GRACE 600

/* The reporting interval for a record's ri (0: absent): daily, or an
 * interval of at least an hour that divides a day. */
int64_t ik_report_interval(int64_t ri);

/* @in made safe for a Report-ID and a file name (see claim.c). */
void ik_report_safe_name(const char *in, char *out, size_t len);

/* gzip (RFC 1952) of @in, no name and no time, so equal input gives
 * equal output. *out is ik_malloc'ed with @ctx. */
inkan_status ik_report_gzip(const inkan_ctx *ctx, const void *in,
	size_t len, unsigned char **out, size_t *outlen);

#endif
