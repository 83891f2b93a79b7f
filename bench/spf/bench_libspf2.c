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

#define MAX_CLIENTS 64
#define ROUNDS 5
#define SENDER "user@example.bench.test"

struct client {
	char ip[64];
	char want[16];
};

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		exit(2);
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *
field(char **p)
{
	char *f;

	while (**p == ' ')
		(*p)++;
	f = *p;
	while (**p != ' ' && **p != '\0')
		(*p)++;
	if (**p == ' ')
		*(*p)++ = '\0';
	return f;
}

static char *
next_line(char **p)
{
	char *l = *p, *nl;

	if (*l == '\0')
		return NULL;
	nl = strchr(l, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = l + strlen(l);
	}
	return l;
}

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

static size_t
clients(const char *dir, struct client *c)
{
	char path[4096], *in, *p, *line;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/clients.txt", dir);
	in = p = slurp(path);
	while ((line = next_line(&p)) != NULL && n < MAX_CLIENTS) {
		char *ip, *want;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		ip = field(&line);
		want = field(&line);
		snprintf(c[n].ip, sizeof(c[n].ip), "%s", ip);
		snprintf(c[n].want, sizeof(c[n].want), "%s", want);
		n++;
	}
	free(in);
	return n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int
main(int argc, char **argv)
{
	struct client cl[MAX_CLIENTS];
	SPF_server_t *srv;
	double secs = 3, t0, t, c0, cpu, wall = 0, rate[ROUNDS];
	int round;
	unsigned long n = 0;
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
	/* CPU time is what the comparison uses: the machine is shared, and
	 * wall time counts other people's work. Five rounds; the median
	 * and the best are reported. */
	for (round = 0; round < ROUNDS; round++) {
		unsigned long k = 0;

		t0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		do {
			for (i = 0; i < 256; i++, k++, n++)
				(void)check(srv, &cl[n % nc]);
			t = now(CLOCK_MONOTONIC) - t0;
		} while (t < secs / ROUNDS);
		cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		rate[round] = (double)k / cpu;
		wall += t;
	}
	qsort(rate, ROUNDS, sizeof(rate[0]), cmp_double);
	printf("libspf2 %s: %lu checks in %.1f s; checks per CPU second: "
		"median %.0f, best %.0f\n", zone ? "in-memory zone" :
		"real DNS (cache over resolv)", n, wall, rate[ROUNDS / 2],
		rate[ROUNDS - 1]);
	SPF_server_free(srv);
	return 0;
}
