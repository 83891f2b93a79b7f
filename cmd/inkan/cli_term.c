/* SPDX-License-Identifier: MIT */
/*
 * cli_term.c - text output that is safe for a terminal. In text mode
 * cli->out and cli->err are this filter over stdout/stderr: every byte
 * goes through inkan_text_escape() except the line feeds the commands
 * write themselves, so a header field, TXT record or SPF explanation
 * written by a stranger cannot move the cursor, retitle the window or
 * ring the bell. (Data output, such as the message `inkan sign` writes,
 * goes to the raw stream instead.)
 */
#define _GNU_SOURCE	/* fopencookie */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <inkan/json.h>

#include "cli.h"

struct term {
	FILE *raw;
	unsigned char held[4];	/* the start of a UTF-8 sequence cut by a
				 * buffer boundary */
	size_t nheld;
};

static int
raw_sink(void *arg, const char *s, size_t len)
{
	return fwrite(s, 1, len, arg) == len ? 0 : -1;
}

/* Escape @len bytes, passing LF through. */
static int
put(struct term *t, const char *s, size_t len)
{
	const char *lf;

	while (len > 0) {
		lf = memchr(s, '\n', len);
		size_t n = lf ? (size_t)(lf - s) : len;

		if (inkan_text_escape(s, n, raw_sink, t->raw) != INKAN_OK)
			return -1;
		if (lf != NULL && fputc('\n', t->raw) == EOF)
			return -1;
		n += lf != NULL;
		s += n;
		len -= n;
	}
	return 0;
}

/* How many bytes at the end of @s (@len) may be an unfinished UTF-8
 * sequence, to be completed by the next write. */
static size_t
unfinished(const unsigned char *s, size_t len)
{
	size_t k, need;

	for (k = 1; k <= 3 && k <= len; k++) {
		unsigned char c = s[len - k];

		if ((c & 0xc0) == 0x80)
			continue;	/* a continuation byte: look further */
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		return need > k ? k : 0;
	}
	return 0;
}

static ssize_t
term_write(void *cookie, const char *buf, size_t size)
{
	struct term *t = cookie;
	unsigned char joined[8];
	size_t keep, take = 0;

	if (t->nheld > 0) {
		/* finish the held sequence with the first bytes of @buf */
		while (take < size && take < 3 &&
		    ((unsigned char)buf[take] & 0xc0) == 0x80)
			take++;
		memcpy(joined, t->held, t->nheld);
		memcpy(joined + t->nheld, buf, take);
		if (put(t, (const char *)joined, t->nheld + take) != 0)
			return -1;
		t->nheld = 0;
	}
	keep = unfinished((const unsigned char *)buf + take, size - take);
	if (put(t, buf + take, size - take - keep) != 0)
		return -1;
	memcpy(t->held, buf + size - keep, keep);
	t->nheld = keep;
	return (ssize_t)size;
}

static int
term_close(void *cookie)
{
	struct term *t = cookie;
	int rc = 0;

	if (t->nheld > 0)
		rc = put(t, (const char *)t->held, t->nheld);
	if (fflush(t->raw) != 0)
		rc = -1;
	free(t);
	return rc;
}

FILE *
cli_term_open(FILE *raw)
{
	cookie_io_functions_t io = { NULL, term_write, NULL, term_close };
	struct term *t = calloc(1, sizeof(*t));
	FILE *f;

	if (t == NULL)
		return NULL;
	t->raw = raw;
	f = fopencookie(t, "w", io);
	if (f == NULL)
		free(t);
	return f;
}
