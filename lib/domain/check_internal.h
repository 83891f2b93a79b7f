/* SPDX-License-Identifier: MIT */
/*
 * check_internal.h - the audit of a domain's live DNS (inkan domain
 * check), shared by check*.c:
 *
 *   check.c          the report: items, findings, strings; the driver
 *   check_spf.c      SPF of the domain and of the MAIL FROM (lint)
 *   check_dkim.c     one item per selector
 *   check_mailfrom.c MAIL FROM: subdomain, exactly one MX, alignment
 *   check_dmarc.c    DMARC (the inkan dmarc inspector), apex records,
 *                    external report authorization
 *   check_ip.c       sending IPs: PTR, forward-confirmed reverse DNS, SPF
 *   check_summary.c  the verdict sentence and Gmail's requirements
 */
#ifndef INKAN_DOMAIN_CHECK_INTERNAL_H
#define INKAN_DOMAIN_CHECK_INTERNAL_H

#include <inkan/dmarc.h>
#include <inkan/dns.h>
#include <inkan/domain.h>
#include <inkan/spf.h>

#include "domain/domain_internal.h"

#define CK_MAX_SELECTORS (2 * IK_DOMAIN_MAX_SELECTORS)
#define CK_MAX_IPS 16
#define CK_MAX_FINDINGS 64	/* per item */
#define CK_MAX_PTR 10		/* PTR names followed per IP */
#define IK_CHECK_MX_TARGETS 4	/* MX targets whose address is checked */

struct ck_item {
	inkan_domain_item pub;
	inkan_finding f[CK_MAX_FINDINGS];
};

/* what one selector showed, for the summary */
struct ck_sel {
	const char *name;		/* in the checker's strings */
	const inkan_domain_selector *expected;	/* from the identity */
	inkan_dns_query *q;
	int usable;			/* a key a verifier would accept */
	int rsa;
	int ed25519;
	unsigned bits;
	size_t item;			/* its item in the report */
};

struct ck_ip {
	const char *ip;
	int v6;
	unsigned char addr[16];
	inkan_dns_query *ptr_q;
	int fcrdns;			/* 1 confirmed, 0 not, -1 DNS failed */
	const char *ptr_name;		/* the confirmed name, or NULL */
	inkan_spf_result spf;		/* for the MAIL FROM identity */
	int spf_done;
};

struct inkan_domain_checker {
	inkan_domain_report pub;	/* first: the public view */
	inkan_ctx *ctx;			/* borrowed */
	const inkan_domain *id;		/* borrowed for the call only */
	inkan_status st;		/* first hard failure (memory) */
	char domain[IK_DOMAIN_NAME_MAX + 1];
	/* MAIL FROM name, or "" when none is set up */
	char mail_from[IK_DOMAIN_NAME_MAX + 1];
	const char *expected_mx;	/* from the identity, or NULL */
	struct ck_item *items;
	inkan_domain_item *pub_items;
	size_t nitems, capitems;
	char **strs;
	size_t nstrs, capstrs;
	const char *summary[CK_MAX_IPS + 2];
	inkan_domain_requirement gmail[8];
	struct ck_sel sel[CK_MAX_SELECTORS];
	size_t nsel;
	struct ck_ip ips[CK_MAX_IPS];
	size_t nips;
	inkan_dns_query *apex_q;	/* TXT at the domain (misplaced DMARC) */
	inkan_dns_query *mx_q;		/* MX at the MAIL FROM */
	/* facts for the summary */
	int spf_domain_ok, spf_mf_ok;	/* a usable SPF record */
	int mf_ok;			/* MAIL FROM usable (MX, subdomain) */
	int mf_aligns;			/* 1 aligns, 0 cannot, -1 unknown */
	inkan_dmarc_inspector *dmarc_in;
	const inkan_dmarc_inspection *dmarc;
	int dmarc_temp;
};

/* ---- report building (check.c) --------------------------------------- */

/* a copy of the printf result kept with the checker; NULL on failure
 * (recorded in c->st) */
const char *ik_check_str(inkan_domain_checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* a new item; its index, or SIZE_MAX on failure */
size_t ik_check_item_new(inkan_domain_checker *c, inkan_domain_area area,
	const char *name);
void ik_check_status(inkan_domain_checker *c, size_t item, inkan_domain_status s);
/* the worse of the item's status and @s (SUCCESS < PENDING < FAILED;
 * TEMPORARY_FAILURE wins over all) */
void ik_check_worsen(inkan_domain_checker *c, size_t item, inkan_domain_status s);
void ik_check_detail(inkan_domain_checker *c, size_t item, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* add a finding; @fix NULL (notes on what is right) becomes "nothing to
 * do"; the message is printf-formatted */
void ik_check_find(inkan_domain_checker *c, size_t item,
	inkan_severity sev, const char *code, const char *fix,
	const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- the parts -------------------------------------------------------- */

void ik_check_spf(inkan_domain_checker *c, const char *name, int is_mail_from);
void ik_check_dkim_start(inkan_domain_checker *c);
void ik_check_dkim(inkan_domain_checker *c);
void ik_check_mail_from(inkan_domain_checker *c);
void ik_check_dmarc(inkan_domain_checker *c);
void ik_check_ip_start(inkan_domain_checker *c);
void ik_check_ip(inkan_domain_checker *c);
void ik_check_summary(inkan_domain_checker *c);

/* the identity SPF checks for mail from this set-up */
const char *ik_check_spf_domain(const inkan_domain_checker *c);

#endif
