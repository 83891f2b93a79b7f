/* SPDX-License-Identifier: MIT */
/*
 * bench_libspf2.c - libspf2 (Debian's libspf2-dev) checks per second on
 * the shared workload (workload.txt, clients.txt; see README.md).
 *
 *   bench_libspf2 DIR zone [SECONDS]     SPF_DNS_ZONE, records added with
 *                                        SPF_dns_zone_add_str()
 *   bench_libspf2 DIR resolv [SECONDS]   SPF_DNS_CACHE over SPF_DNS_RESOLV
 *                                        (the system resolver settings:
 *                                        run.sh points them at Knot)
 *
 * Results are checked against clients.txt while warming up; libspf2 is
 * known to disagree with RFC 7208 on some inputs, not on this workload.
 */
#define _DEFAULT_SOURCE 1
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "workload.h"

static void
load_zone(SPF_dns_server_t *dns, const char *dir)
{
	char path[4096], *in, *p, *line;

	snprintf(path, sizeof(path), "%s/workload.txt", dir);
	in = p = slurp(path);
	while ((line = next_line(&p)) != NULL) {
		char *name, *type;
		ns_type t;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		name = field(&line);
		type = field(&line);
		if (strcmp(type, "TXT") == 0) {
			t = ns_t_txt;
		} else if (strcmp(type, "MX") == 0) {
			t = ns_t_mx;
			(void)field(&line);	/* the zone layer keeps no
						 * preference: just the name */
		} else if (strcmp(type, "A") == 0) {
			t = ns_t_a;
		} else if (strcmp(type, "AAAA") == 0) {
			t = ns_t_aaaa;
		} else {
			continue;
		}
		if (SPF_dns_zone_add_str(dns, name, t, NETDB_SUCCESS, line) !=
		    SPF_E_SUCCESS) {
			fprintf(stderr, "cannot add %s %s\n", name, type);
			exit(2);
		}
	}
	free(in);
}

static const char *
check(SPF_server_t *srv, const struct client *c)
{
	SPF_request_t *req = SPF_request_new(srv);
	SPF_response_t *resp = NULL;
	const char *r;

	if (strchr(c->ip, ':') != NULL)
		SPF_request_set_ipv6_str(req, c->ip);
	else
		SPF_request_set_ipv4_str(req, c->ip);
	SPF_request_set_helo_dom(req, "client.bench.test");
	SPF_request_set_env_from(req, SENDER);
	SPF_request_query_mailfrom(req, &resp);
	r = SPF_strresult(SPF_response_result(resp));
	SPF_response_free(resp);
	SPF_request_free(req);
	return r;
}

/* timed_rounds() callback */
static void
check_one(void *ud, const struct client *c)
{
	(void)check(ud, c);
}

int
main(int argc, char **argv)
{
	struct client cl[MAX_CLIENTS];
	SPF_server_t *srv;
	double secs = 3, wall, rate[ROUNDS];
	unsigned long n;
	size_t nc, i;
	int zone;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_libspf2 DIR zone|resolv "
			"[SECONDS]\n");
		return 2;
	}
	zone = strcmp(argv[2], "zone") == 0;
	if (argc > 3)
		secs = strtod(argv[3], NULL);
	nc = clients(argv[1], cl);
	srv = SPF_server_new(zone ? SPF_DNS_ZONE : SPF_DNS_CACHE, 0);
	if (srv == NULL)
		return 2;
	if (zone)
		load_zone(srv->resolver, argv[1]);
	for (i = 0; i < nc; i++) {
		const char *r = check(srv, &cl[i]);

		if (strcmp(r, cl[i].want) != 0) {
			fprintf(stderr, "libspf2: %s: %s, expected %s\n",
				cl[i].ip, r, cl[i].want);
			return 1;
		}
	}
	timed_rounds(check_one, srv, cl, nc, secs, rate, &n, &wall);
	printf("libspf2 %s: %lu checks in %.1f s; checks per CPU second: "
		"median %.0f, best %.0f\n", zone ? "in-memory zone" :
		"real DNS (cache over resolv)", n, wall, rate[ROUNDS / 2],
		rate[ROUNDS - 1]);
	SPF_server_free(srv);
	return 0;
}
