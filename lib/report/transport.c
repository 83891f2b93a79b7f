/* SPDX-License-Identifier: MIT */
/*
 * transport.c - handing a report message to the MTA: an SMTP relay
 * (RFC 5321: EHLO, MAIL, RCPT, DATA with dot-stuffing, QUIT) or the local
 * sendmail binary (fork + exec, never a shell; the recipient after "--").
 *
 * Replies are read with a timeout and a bound on their length. A 4xx or a
 * broken connection is temporary (the delivery stays pending and is
 * tried again on the next run); a 5xx is final.
 */
#define _DEFAULT_SOURCE	/* getaddrinfo flags, strndup */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/send_internal.h"

#define SMTP_TIMEOUT_S 60
#define SMTP_REPLY_MAX 8192

static int
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one (possibly multi-line) reply; its code, or -1 on error. */
static int
reply(int fd, char *why, size_t wl)
{
	char buf[SMTP_REPLY_MAX];
	size_t n = 0;
	for (;;) {
		if (n + 1 >= sizeof buf)
			return -1;
		ssize_t r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		n++;
		if (buf[n - 1] != '\n')
			continue;
		/* a line: "250-..." continues, "250 ..." ends */
		size_t ls = n - 1;
		while (ls > 0 && buf[ls - 1] != '\n')
			ls--;
		if (n - ls >= 4 && buf[ls + 3] == '-')
			continue;
		if (n - ls < 3)
			return -1;
		buf[n] = '\0';
		int code = (buf[ls] - '0') * 100 + (buf[ls + 1] - '0') * 10 +
		    (buf[ls + 2] - '0');
		if (code < 200 || code > 599)
			return -1;
		if (code >= 400) {
			size_t e = n;
			while (e > ls && (buf[e - 1] == '\n' ||
			    buf[e - 1] == '\r'))
				e--;
			snprintf(why, wl, "%.*s", (int)(e - ls), buf + ls);
		}
		return code;
	}
}

static int
dial(const char *relay, char *why, size_t wl)
{
	char host[256];
	const char *port = "25";
	const char *colon = strrchr(relay, ':');
	size_t hl = colon ? (size_t)(colon - relay) : strlen(relay);
	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, relay, hl);
	host[hl] = '\0';
	if (colon)
		port = colon + 1;
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(why, wl, "relay %s: %s", relay, gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		struct timeval tv = { SMTP_TIMEOUT_S, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(why, wl, "relay %s: cannot connect", relay);
	return fd;
}

/* The DATA payload: lines starting with '.' doubled (RFC 5321 4.5.2) */
static int
send_data(int fd, const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len;
	int bol = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		if (bol && *p == '.' && write_all(fd, ".", 1) != 0)
			return -1;
		if (write_all(fd, p, n) != 0)
			return -1;
		bol = nl != NULL;
		p += n;
	}
	if (len && msg[len - 1] != '\n' && write_all(fd, "\r\n", 2) != 0)
		return -1;
	return write_all(fd, ".\r\n", 3);
}

static inkan_status
smtp(const inkan_report_settings *s, const char *from, const char *to,
	const char *msg, size_t len, char *why, size_t wl)
{
	int fd = dial(s->relay, why, wl);
	if (fd < 0)
		return INKAN_ERR_IO;
	char cmd[700];
	int code = reply(fd, why, wl);
	inkan_status st = INKAN_ERR_IO;
	const char *stage = "greeting";
	if (code != 220)
		goto done;
	stage = "EHLO";
	snprintf(cmd, sizeof cmd, "EHLO %s\r\n", s->reporter.receiver ?
	    s->reporter.receiver : "localhost");
	if (write_all(fd, cmd, strlen(cmd)) || (code = reply(fd, why, wl)) !=
	    250)
		goto done;
	stage = "MAIL FROM";
	snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>\r\n", from);
	if (write_all(fd, cmd, strlen(cmd)) || (code = reply(fd, why, wl)) !=
	    250)
		goto done;
	stage = "RCPT TO";
	snprintf(cmd, sizeof cmd, "RCPT TO:<%s>\r\n", to);
	if (write_all(fd, cmd, strlen(cmd)) || ((code = reply(fd, why, wl)) !=
	    250 && code != 251))
		goto done;
	stage = "DATA";
	if (write_all(fd, "DATA\r\n", 6) || (code = reply(fd, why, wl)) != 354)
		goto done;
	stage = "end of data";
	if (send_data(fd, msg, len) != 0 || (code = reply(fd, why, wl)) != 250)
		goto done;
	st = INKAN_OK;
	(void)write_all(fd, "QUIT\r\n", 6);
	(void)reply(fd, why, wl);
done:
	if (st != INKAN_OK) {
		if (code >= 500)
			st = INKAN_ERR_INVALID;
		if (code < 400)
			snprintf(why, wl, "relay %s: failed at %s", s->relay,
			    stage);
	}
	close(fd);
	return st;
}

static inkan_status
sendmail(const inkan_report_settings *s, const char *from, const char *to,
	const char *msg, size_t len, char *why, size_t wl)
{
	int p[2];
	if (pipe(p) != 0)
		return INKAN_ERR_IO;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return INKAN_ERR_IO;
	}
	if (pid == 0) {
		dup2(p[0], 0);
		close(p[0]);
		close(p[1]);
		/* -oi: a lone dot is not the end; -f: the envelope sender */
		char *const argv[] = { (char *)"sendmail", (char *)"-oi",
		    (char *)"-f", (char *)from, (char *)"--", (char *)to,
		    NULL };
		execv(s->sendmail, argv);
		_exit(75);	/* EX_TEMPFAIL */
	}
	close(p[0]);
	/* a sendmail that exits early must not kill us with SIGPIPE */
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old);
	int werr = write_all(p[1], msg, len);
	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (werr == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return INKAN_OK;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	snprintf(why, wl, "%s exited with %d", s->sendmail, code);
	/* sysexits: 75 EX_TEMPFAIL, 69 unavailable, 74 io: try later */
	return code == 75 || code == 69 || code == 74 || code < 0 ?
	    INKAN_ERR_IO : INKAN_ERR_INVALID;
}

inkan_status
ik_report_transmit(const inkan_report_settings *s, const char *from,
	const char *to, const char *msg, size_t len, char *why, size_t wl)
{
	if (s->relay)
		return smtp(s, from, to, msg, len, why, wl);
	return sendmail(s, from, to, msg, len, why, wl);
}
