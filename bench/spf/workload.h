/* SPDX-License-Identifier: MIT */
/*
 * workload.h - what the C harnesses (bench_spf.c for inkan,
 * bench_libspf2.c for libspf2) share: reading the workload files and
 * clients.txt, and timing. Each harness keeps only the code that talks to
 * its own library.
 */
#ifndef BENCH_SPF_WORKLOAD_H
#define BENCH_SPF_WORKLOAD_H

#include <stddef.h>
#include <time.h>

#define MAX_CLIENTS 64
#define ROUNDS 5
#define SENDER "user@example.bench.test"

struct client {
	char ip[64];
	char want[16];	/* the result the check must give */
};

/* the whole file, NUL-terminated; exits on error; caller frees */
char *slurp(const char *path);
/* the next space-separated field of *p (NUL-terminated in place) */
char *field(char **p);
/* the next line of *p (NUL-terminated in place), or NULL at the end */
char *next_line(char **p);
/* DIR/clients.txt into @c (at most MAX_CLIENTS); the number read */
size_t clients(const char *dir, struct client *c);
/* qsort comparison of doubles */
int cmp_double(const void *a, const void *b);
/* @clk in seconds */
double now(clockid_t clk);

/* One check of @c; the result is not used while timing. */
typedef void (*check_fn)(void *ud, const struct client *c);

/*
 * The measurement both harnesses use, so they are timed the same way:
 * ROUNDS rounds of about @secs / ROUNDS wall seconds each, cycling through
 * the @nc clients. CPU time is what counts: the machine is shared, and wall
 * time counts other people's work. rate[] gets checks per CPU second per
 * round, sorted (median at ROUNDS / 2, best last); *checks and *wall the
 * totals.
 */
void timed_rounds(check_fn one, void *ud, const struct client *cl,
	size_t nc, double secs, double rate[ROUNDS], unsigned long *checks,
	double *wall);

#endif
