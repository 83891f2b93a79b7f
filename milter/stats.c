/* SPDX-License-Identifier: MIT */
/*
 * stats.c - counters and the Prometheus text endpoint. The endpoint only
 * listens on 127.0.0.1, reads at most one request line and answers every
 * request with the counters; it is not a general web server.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "stats.h"

static const struct {
	const char *name;
	const char *help;
} names[MT_C_COUNT] = {
	[MT_C_SESSIONS] = { "sessions_total", "SMTP sessions seen" },
	[MT_C_SESSIONS_REFUSED] = { "sessions_refused_total",
		"sessions tempfailed over max_sessions" },
	[MT_C_MESSAGES] = { "messages_total", "messages processed" },
	[MT_C_SIGNED] = { "signed_total", "messages signed" },
	[MT_C_SIGN_SKIPPED] = { "sign_skipped_total",
		"sign mode without a signature (no key, re-injection)" },
	[MT_C_VERIFIED] = { "verified_total", "messages verified" },
	[MT_C_DMARC_PASS] = { "dmarc_pass_total", "DMARC pass" },
	[MT_C_DMARC_FAIL] = { "dmarc_fail_total", "DMARC fail" },
	[MT_C_DMARC_NONE] = { "dmarc_none_total", "DMARC none" },
	[MT_C_DMARC_TEMPERROR] = { "dmarc_temperror_total",
		"DMARC temperror" },
	[MT_C_DMARC_PERMERROR] = { "dmarc_permerror_total",
		"DMARC permerror" },
	[MT_C_ACCEPT] = { "action_accept_total", "messages accepted" },
	[MT_C_REJECT] = { "action_reject_total", "messages rejected" },
	[MT_C_TEMPFAIL] = { "action_tempfail_total",
		"messages tempfailed" },
	[MT_C_HOLD] = { "action_hold_total", "messages held" },
	[MT_C_DNS_FAILURES] = { "dns_failures_total",
		"messages with a DNS temperror" },
	[MT_C_INTERNAL_ERRORS] = { "internal_errors_total",
		"messages tempfailed by an internal error" },
	[MT_C_MAIL_FROM_REWRITTEN] = { "mail_from_rewritten_total",
		"envelope senders rewritten" },
	[MT_C_MAIL_FROM_FALLBACK] = { "mail_from_fallback_total",
		"rewrites not made: MAIL FROM domain broken" },
	[MT_C_REPORT_ROWS] = { "report_rows_total",
		"report rows recorded" },
	[MT_C_REPORT_DROPPED] = { "report_rows_dropped_total",
		"report rows lost" },
	[MT_C_RELOADS] = { "reloads_total", "configuration reloads" },
	[MT_C_RELOAD_FAILURES] = { "reload_failures_total",
		"reloads refused (old configuration kept)" },
};

void
mt_stats_bump(struct mt_stats *s, enum mt_counter c)
{
	atomic_fetch_add(&s->c[c], 1);
}

void
mt_stats_write(struct mt_stats *s, FILE *f)
{
	int i;

	for (i = 0; i < MT_C_COUNT; i++)
		fprintf(f, "# HELP inkan_milter_%s %s\n"
			"# TYPE inkan_milter_%s counter\n"
			"inkan_milter_%s %llu\n", names[i].name,
			names[i].help, names[i].name, names[i].name,
			(unsigned long long)atomic_load(&s->c[i]));
	fprintf(f, "# HELP inkan_milter_active_sessions sessions now\n"
		"# TYPE inkan_milter_active_sessions gauge\n"
		"inkan_milter_active_sessions %d\n",
		atomic_load(&s->active_sessions));
}

struct server {
	struct mt_stats *s;
	int fd;
};

static void *
serve(void *arg)
{
	struct server *sv = arg;
	char req[512], *text = NULL;
	size_t len = 0;
	struct timeval tv = { 2, 0 };
	int c;
	FILE *f;

	for (;;) {
		c = accept(sv->fd, NULL, NULL);
		if (c < 0)
			continue;
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		/* the request is read and ignored: there is one page */
		if (recv(c, req, sizeof(req), 0) >= 0) {
			f = open_memstream(&text, &len);
			if (f != NULL) {
				mt_stats_write(sv->s, f);
				fclose(f);
				dprintf(c, "HTTP/1.0 200 OK\r\nContent-Type: "
					"text/plain; version=0.0.4\r\n"
					"Content-Length: %zu\r\n\r\n", len);
				if (write(c, text, len) < 0)
					len = 0;
				free(text);
				text = NULL;
			}
		}
		close(c);
	}
	return NULL;
}

int
mt_stats_serve(struct mt_stats *s, unsigned port)
{
	struct sockaddr_in sa;
	struct server *sv;
	pthread_t t;
	int one = 1, fd;

	if (port == 0)
		return 0;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 16) != 0) {
		close(fd);
		return -1;
	}
	sv = malloc(sizeof(*sv));
	if (sv == NULL) {
		close(fd);
		return -1;
	}
	sv->s = s;
	sv->fd = fd;
	if (pthread_create(&t, NULL, serve, sv) != 0) {
		close(fd);
		free(sv);
		return -1;
	}
	pthread_detach(t);
	return 0;
}

int
mt_stats_fetch(unsigned port, FILE *out)
{
	struct sockaddr_in sa;
	char buf[4096];
	ssize_t n;
	int fd, body = 0;
	static const char req[] = "GET /metrics HTTP/1.0\r\n\r\n";
	char *p;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    write(fd, req, sizeof(req) - 1) < 0) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		p = buf;
		if (!body) {
			/* skip the HTTP head (short: fits the first read) */
			p = strstr(buf, "\r\n\r\n");
			if (p == NULL)
				continue;
			p += 4;
			body = 1;
		}
		fputs(p, out);
	}
	close(fd);
	return body ? 0 : -1;
}
