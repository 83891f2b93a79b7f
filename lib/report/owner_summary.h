/* SPDX-License-Identifier: MIT */
/*
 * owner_summary.h - answers from received aggregate reports: per policy
 * domain and period, volume, pass rates, sources with PTR and class, what
 * fails and why, and the roll-out verdict. Used by `inkan report summary`,
 * `serve` and `html`.
 */
#ifndef INKAN_REPORT_OWNER_SUMMARY_H
#define INKAN_REPORT_OWNER_SUMMARY_H

#include <stdint.h>
#include <inkan/report.h>

enum ik_src_class {
	IK_SRC_OWN = 0,		/* your own IPs (state, SPF) */
	IK_SRC_PROVIDER = 1,	/* a known sending provider */
	IK_SRC_FORWARDER = 2,	/* SPF fails, DKIM passes: relayed mail */
	IK_SRC_UNKNOWN = 3,
	IK_SRC__COUNT
};

const char *ik_src_class_name(enum ik_src_class c);

struct ik_sum_source {
	char ip[64];
	char ptr[256];		/* "" when unknown */
	int ptr_confirmed;
	enum ik_src_class cls;
	char evidence[256];
	uint64_t msgs, pass, spf_aligned, dkim_aligned;
	char spf_domain[128], spf_result[16];	/* most common auth result */
	char dkim_domain[128], dkim_result[16];
	uint64_t no_dkim, list;
	int64_t first_seen;	/* earliest report begin, any period */
	int new_failing;	/* fails, and first seen in the period */
	char why[512];		/* what fails, "" when all passes */
	char fix[512];
};

struct ik_sum_day {
	int64_t day;		/* UTC day start */
	uint64_t msgs, pass;
};

struct ik_sum_reporter {
	char org[128];
	uint64_t reports, msgs, pass;
};

struct ik_sum_domain {
	char domain[256];
	char p[16];			/* newest published policy */
	uint64_t reports, msgs, pass, spf_aligned, dkim_aligned;
	int64_t first, last;
	struct ik_sum_source *src;
	size_t nsrc;
	struct ik_sum_day *days;
	size_t ndays;
	struct ik_sum_reporter *rep;
	size_t nrep;
	uint64_t class_msgs[IK_SRC__COUNT], class_pass[IK_SRC__COUNT];
	int ready;			/* the verdict allows the next step */
	char verdict[1024];
	size_t nnew_failing;		/* failing sources first seen in period */
};

struct ik_summary {
	struct ik_sum_domain *d;
	size_t nd;
};

/* What the owner told us about their sources. */
struct ik_sum_opts {
	const char *domain;		/* only this one, or NULL */
	int64_t since;			/* reports beginning at or after */
	const char *const *own_nets;	/* "192.0.2.0/24", "2001:db8::/32" */
	size_t nown;
	const char *const *includes;	/* SPF include targets of yours */
	size_t nincludes;
	size_t max_sources;		/* per domain, 0: 50 */
};

inkan_status ik_summary_build(inkan_report_store *s,
	const struct ik_sum_opts *o, struct ik_summary *out);
void ik_summary_free(const inkan_ctx *ctx, struct ik_summary *sum);

/* the newest report end in the store (0 when empty) */
int64_t ik_summary_newest(inkan_report_store *s);

/*
 * owner_enrich.c: PTR with forward confirmation for every source IP not
 * yet in ptr_cache, @window questions at a time, starting no new round
 * after @budget_ms. *resolved: IPs cached; *left: IPs still to do.
 */
struct inkan_resolver;
inkan_status ik_enrich_ptr(inkan_report_store *s, struct inkan_resolver *r,
	size_t window, int64_t budget_ms, size_t *resolved, size_t *left);

#endif
