/* SPDX-License-Identifier: MIT */
/*
 * update_io.c - one DNS exchange with a given server (the primary that
 * takes our UPDATE), over UDP or TCP (RFC 1035 4.2), within a time
 * budget. The resolver seam (lib/dns) is for questions to the DNS at
 * large; an UPDATE goes to one named server, so it gets this small
 * transport of its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns/update.h"

inkan_status
ik_server_parse(const char *text, ik_server *out)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *at = strrchr(text, '@');
	size_t alen = at ? (size_t)(at - text) : strlen(text);
	unsigned long port = 53;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&out->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->sa;
	char *end;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(addr))
		return INKAN_ERR_SYNTAX;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (at != NULL) {
		if (at[1] < '0' || at[1] > '9')
			return INKAN_ERR_SYNTAX;
		errno = 0;
		port = strtoul(at + 1, &end, 10);
		if (errno != 0 || *end != '\0' || port == 0 || port > 65535)
			return INKAN_ERR_SYNTAX;
	}
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		out->salen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		out->salen = sizeof(*s6);
	} else {
		return INKAN_ERR_SYNTAX;
	}
	return INKAN_OK;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait for @events on @fd until @deadline; 1 ready, 0 timeout, -1 error */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int64_t left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		r = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r > 0)
			return 1;
	}
}

static inkan_status
udp(int fd, const uint8_t *q, size_t qlen, int64_t deadline, uint8_t *resp,
	size_t cap, size_t *resplen)
{
	ssize_t n;
	int w;

	if (send(fd, q, qlen, 0) != (ssize_t)qlen)
		return INKAN_ERR_IO;
	for (;;) {
		if ((w = wait_fd(fd, POLLIN, deadline)) <= 0)
			return w == 0 ? INKAN_ERR_TIMEOUT : INKAN_ERR_IO;
		/* the socket is connected: only the server's datagrams */
		n = recv(fd, resp, cap, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return INKAN_ERR_IO;	/* e.g. ICMP refused */
		/* a stray or stale datagram: not ours, keep waiting */
		if (n < 12 || memcmp(resp, q, 2) != 0)
			continue;
		*resplen = (size_t)n;
		return INKAN_OK;
	}
}

static inkan_status
io_all(int fd, uint8_t *buf, size_t len, int writing, int64_t deadline)
{
	size_t done = 0;
	ssize_t n;
	int w;

	while (done < len) {
		if ((w = wait_fd(fd, writing ? POLLOUT : POLLIN, deadline)) <= 0)
			return w == 0 ? INKAN_ERR_TIMEOUT : INKAN_ERR_IO;
		n = writing ? send(fd, buf + done, len - done, MSG_NOSIGNAL) :
			recv(fd, buf + done, len - done, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return INKAN_ERR_IO;	/* closed early or failed */
		done += (size_t)n;
	}
	return INKAN_OK;
}

static inkan_status
tcp(int fd, const ik_server *srv, const uint8_t *q, size_t qlen,
	int64_t deadline, uint8_t *resp, size_t cap, size_t *resplen)
{
	uint8_t len2[2];
	size_t n;
	int err = 0, w;
	socklen_t el = sizeof(err);
	inkan_status st;

	if (connect(fd, (const struct sockaddr *)&srv->sa, srv->salen) != 0 &&
	    errno != EINPROGRESS)
		return INKAN_ERR_IO;
	if ((w = wait_fd(fd, POLLOUT, deadline)) <= 0)
		return w == 0 ? INKAN_ERR_TIMEOUT : INKAN_ERR_IO;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
		return INKAN_ERR_IO;
	/* RFC 1035 4.2.2: a two-byte length before each message */
	len2[0] = (uint8_t)(qlen >> 8);
	len2[1] = (uint8_t)qlen;
	if ((st = io_all(fd, len2, 2, 1, deadline)) != INKAN_OK ||
	    (st = io_all(fd, (uint8_t *)q, qlen, 1, deadline)) != INKAN_OK ||
	    (st = io_all(fd, len2, 2, 0, deadline)) != INKAN_OK)
		return st;
	n = ((size_t)len2[0] << 8) | len2[1];
	if (n < 12 || n > cap)
		return INKAN_ERR_SYNTAX;
	if ((st = io_all(fd, resp, n, 0, deadline)) != INKAN_OK)
		return st;
	if (memcmp(resp, q, 2) != 0)
		return INKAN_ERR_SYNTAX;	/* one question per connection */
	*resplen = n;
	return INKAN_OK;
}

inkan_status
ik_dns_exchange(const ik_server *srv, int use_tcp, const uint8_t *q,
	size_t qlen, uint32_t timeout_ms, uint8_t *resp, size_t cap,
	size_t *resplen)
{
	int64_t deadline = now_ms() + timeout_ms;
	int fd;
	inkan_status st;

	*resplen = 0;
	if (qlen < 12 || qlen > IK_DNS_MSG_MAX)
		return INKAN_ERR_INVALID;
	fd = socket(srv->sa.ss_family, (use_tcp ? SOCK_STREAM : SOCK_DGRAM) |
		SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return INKAN_ERR_IO;
	if (use_tcp) {
		st = tcp(fd, srv, q, qlen, deadline, resp, cap, resplen);
	} else if (connect(fd, (const struct sockaddr *)&srv->sa,
	    srv->salen) != 0) {
		st = INKAN_ERR_IO;
	} else {
		st = udp(fd, q, qlen, deadline, resp, cap, resplen);
	}
	close(fd);
	return st;
}
