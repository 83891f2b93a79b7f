/* SPDX-License-Identifier: MIT */
/*
 * owner_enrich.c - reverse DNS for the source IPs of stored reports.
 *
 * Run after the reports are stored, never during: a 900,000-row report is
 * in the store long before its IPs are named. IPs are resolved in rounds
 * of up to @window at once (all PTR questions of a round started
 * together, then all forward A/AAAA questions), so the time is a few round
 * trips per round, not one per IP. Each round's answers are written to
 * ptr_cache in one transaction; the run stops starting rounds at the
 * deadline and the rest is picked up by the next run.
 *
 * Forward confirmation (FCrDNS, RFC 8601 3 "iprev"): a PTR name counts
 * only when one of its A/AAAA records is the IP again; otherwise it is
 * kept but marked unconfirmed, and classification does not trust it.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <inkan/dns.h>

#include "report/owner_internal.h"
#include <inkan/report_owner.h>
#include "core/alloc.h"

#define NAME_MAX_LEN 256

struct slot {
	char ip[64];
	unsigned char addr[16];
	int v6;
	inkan_dns_query *q;
	char ptr[NAME_MAX_LEN];
	const char *status;
	int confirmed;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* RFC 1035 3.5 in-addr.arpa, RFC 3596 2.5 ip6.arpa */
static int
reverse_name(struct slot *s, char *out, size_t n)
{
	if (inet_pton(AF_INET, s->ip, s->addr) == 1) {
		s->v6 = 0;
		snprintf(out, n, "%u.%u.%u.%u.in-addr.arpa", s->addr[3],
			s->addr[2], s->addr[1], s->addr[0]);
		return 1;
	}
	if (inet_pton(AF_INET6, s->ip, s->addr) == 1) {
		static const char hex[] = "0123456789abcdef";
		size_t k = 0;
		s->v6 = 1;
		for (int i = 15; i >= 0 && k + 4 < n; i--) {
			out[k++] = hex[s->addr[i] & 15];
			out[k++] = '.';
			out[k++] = hex[s->addr[i] >> 4];
			out[k++] = '.';
		}
		snprintf(out + k, n - k, "ip6.arpa");
		return 1;
	}
	return 0;
}

static void
round_ptr(inkan_resolver *r, struct slot *sl, size_t n)
{
	char name[NAME_MAX_LEN];
	const inkan_dns_answer *a;

	for (size_t i = 0; i < n; i++) {
		sl[i].q = NULL;
		if (!reverse_name(&sl[i], name, sizeof(name)) ||
		    inkan_dns_start(r, name, INKAN_DNS_TYPE_PTR, &sl[i].q) !=
		    INKAN_OK) {
			sl[i].status = "bad-ip";
			sl[i].q = NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (sl[i].q == NULL)
			continue;
		if (inkan_dns_wait(sl[i].q, &a) != INKAN_OK) {
			sl[i].status = "error";
		} else if (a->outcome == INKAN_DNS_TEMPFAIL) {
			sl[i].status = "tempfail";
		} else if (a->outcome != INKAN_DNS_DATA || a->nrrs == 0) {
			sl[i].status = "none";
		} else {
			snprintf(sl[i].ptr, sizeof(sl[i].ptr), "%s",
				a->rrs[0].u.name);
			size_t l = strlen(sl[i].ptr);
			if (l > 0 && sl[i].ptr[l - 1] == '.')
				sl[i].ptr[l - 1] = '\0';
			sl[i].status = "ptr";
		}
		inkan_dns_query_free(sl[i].q);
		sl[i].q = NULL;
	}
	/* forward confirmation, all started together again */
	for (size_t i = 0; i < n; i++)
		if (sl[i].ptr[0] && inkan_dns_start(r, sl[i].ptr, sl[i].v6 ?
		    INKAN_DNS_TYPE_AAAA : INKAN_DNS_TYPE_A, &sl[i].q) !=
		    INKAN_OK)
			sl[i].q = NULL;
	for (size_t i = 0; i < n; i++) {
		if (sl[i].q == NULL)
			continue;
		if (inkan_dns_wait(sl[i].q, &a) == INKAN_OK &&
		    a->outcome == INKAN_DNS_DATA)
			for (size_t j = 0; j < a->nrrs; j++)
				if ((!sl[i].v6 && a->rrs[j].type ==
				    INKAN_DNS_TYPE_A && memcmp(a->rrs[j].u.a,
				    sl[i].addr, 4) == 0) || (sl[i].v6 &&
				    a->rrs[j].type == INKAN_DNS_TYPE_AAAA &&
				    memcmp(a->rrs[j].u.aaaa, sl[i].addr, 16) ==
				    0))
					sl[i].confirmed = 1;
		inkan_dns_query_free(sl[i].q);
		sl[i].q = NULL;
	}
}

static inkan_status
save_round(inkan_report_store *s, struct slot *sl, size_t n)
{
	inkan_status st = ik_report_exec(s, "BEGIN");

	for (size_t i = 0; i < n && st == INKAN_OK; i++) {
		/* a temporary failure is not cached: asked again next run */
		if (strcmp(sl[i].status, "tempfail") == 0)
			continue;
		const char *ip = sl[i].ip, *ptr = sl[i].ptr[0] ? sl[i].ptr :
			NULL;
		ik_report_param p[5] = { IK_RP_S(ip), IK_RP_S(ptr),
			IK_RP_I(sl[i].confirmed), IK_RP_S(sl[i].status),
			IK_RP_I(inkan_ctx_now(s->ctx)) };
		ik_report_param d[1] = { IK_RP_S(ip) };
		st = ik_report_query(s, "DELETE FROM ptr_cache WHERE ip = ?", d,
			1, NULL, NULL);
		if (st == INKAN_OK)
			st = ik_report_query(s, "INSERT INTO ptr_cache (ip, ptr,"
				" confirmed, status, checked) VALUES"
				" (?, ?, ?, ?, ?)", p, 5, NULL, NULL);
	}
	if (st == INKAN_OK)
		return ik_report_exec(s, "COMMIT");
	ik_report_exec(s, "ROLLBACK");
	return st;
}

inkan_status
inkan_report_enrich(inkan_report_store *s, inkan_resolver *r, size_t window,
	int64_t budget_ms, size_t *resolved, size_t *left)
{
	int64_t deadline = now_ms() + budget_ms;
	struct slot *sl;
	inkan_status st = INKAN_OK;
	ik_report_res res;

	*resolved = *left = 0;
	if (window == 0)
		window = 256;
	sl = ik_calloc(s->ctx, window, sizeof(*sl));
	if (sl == NULL)
		return INKAN_ERR_NOMEM;
	for (;;) {
		ik_report_param p[1] = { IK_RP_I((int64_t)window) };
		memset(&res, 0, sizeof(res));
		st = ik_report_query(s, "SELECT DISTINCT c.source_ip FROM"
			" rua_records c LEFT JOIN ptr_cache p ON p.ip ="
			" c.source_ip WHERE p.ip IS NULL LIMIT ?", p, 1, &res,
			NULL);
		if (st != INKAN_OK)
			break;
		if (res.nrows == 0) {
			ik_report_res_free(&res);
			break;
		}
		if (now_ms() >= deadline) {
			*left = res.nrows;	/* at least this many */
			ik_report_res_free(&res);
			break;
		}
		size_t n = res.nrows, ntemp = 0;
		memset(sl, 0, window * sizeof(*sl));
		for (size_t i = 0; i < n; i++)
			snprintf(sl[i].ip, sizeof(sl[i].ip), "%s",
				ik_report_res_get(&res, i, 0));
		ik_report_res_free(&res);
		round_ptr(r, sl, n);
		for (size_t i = 0; i < n; i++)
			if (strcmp(sl[i].status, "tempfail") == 0)
				ntemp++;
		if ((st = save_round(s, sl, n)) != INKAN_OK)
			break;
		*resolved += n - ntemp;
		/* only temporary failures left: stop, the next run retries */
		if (ntemp == n) {
			*left += ntemp;
			break;
		}
	}
	ik_free(s->ctx, sl);
	return st;
}
