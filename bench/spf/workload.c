/* SPDX-License-Identifier: MIT */
/* workload.c - the harnesses' shared file reading and timing (workload.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workload.h"

char *
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

/* the next space-separated field of *p (NUL-terminated in place) */
char *
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

/* the next line of *p, or NULL at the end */
char *
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

/* workload.txt ("NAME TYPE DATA") as master-file text */
size_t
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

int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
timed_rounds(check_fn one, void *ud, const struct client *cl, size_t nc,
	double secs, double rate[ROUNDS], unsigned long *checks, double *wall)
{
	unsigned long n = 0, k;
	double t0, c0, t;
	int round, i;

	*wall = 0;
	for (round = 0; round < ROUNDS; round++) {
		k = 0;
		t0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		do {
			for (i = 0; i < 256; i++, k++, n++)
				one(ud, &cl[n % nc]);
			t = now(CLOCK_MONOTONIC) - t0;
		} while (t < secs / ROUNDS);
		rate[round] = (double)k /
		    (now(CLOCK_PROCESS_CPUTIME_ID) - c0);
		*wall += t;
	}
	qsort(rate, ROUNDS, sizeof(rate[0]), cmp_double);
	*checks = n;
}
