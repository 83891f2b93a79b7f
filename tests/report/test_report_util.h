/* SPDX-License-Identifier: MIT */
/* test_report_util.h - shared helpers of the report suite. */
#ifndef TEST_REPORT_UTIL_H
#define TEST_REPORT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/report.h>

typedef struct tr_row_storage {
	inkan_report_dkim dkim[4];
	inkan_report_reason reasons[2];
} tr_row_storage;

int tr_is_pg(void);
void tr_store_uri(char *out, size_t len);
void tr_store_reset(const char *uri);
const char *tr_tmpdir(void);
void tr_cleanup(void);
/* a passing row; strings borrowed */
void tr_row(inkan_report_row *r, tr_row_storage *st, int64_t time,
	const char *ip, const char *from, const char *policy_domain);


typedef struct tr_report_facts {
	int64_t messages;	/* sum of <count> */
	int64_t records;
	char report_id[512];
	char domain[256];
} tr_report_facts;

int tr_gunzip(const unsigned char *in, size_t len, char **out,
	size_t *outlen);
int tr_validate(const char *xml, size_t len, const char *xsd, int strip_ns,
	tr_report_facts *facts);

#define TR_XSD_9990 SHARED_DIR "/testsuites/dmarc/schema/rfc9990-dmarc-xml-0.2.xsd"
#define TR_XSD_7489 SHARED_DIR "/testsuites/dmarc/schema/rfc7489-rua.xsd"

#endif
