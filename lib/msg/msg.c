/* SPDX-License-Identifier: MIT */
/*
 * msg.c - streaming header parser and body pass-through (inkan/msg.h).
 *
 * RFC 5322 2.2 (header fields), 2.2.3 (folding), 3.6.8 (field names),
 * 4.5.1/obs-optional (WSP allowed before the colon).
 *
 * Bytes are cut into physical lines; a line that starts with WSP continues
 * the pending field, any other line completes it and starts the next. Each
 * complete field becomes one allocation holding its raw wire form and its
 * unfolded value, so pointers handed out never move. The body is never
 * kept: it goes straight to the sinks, bare LF turned into CRLF on the way.
 */
#include <string.h>

#include <inkan/msg.h>

#include "core/alloc.h"
#include "core/ascii.h"
#include "core/buf.h"
#include "core/ctx_internal.h"

#define MAX_SINKS 16

struct inkan_header {
	size_t index;
	const char *name;	/* points into raw */
	size_t name_len;
	const char *raw;	/* wire form, CRLF-terminated */
	size_t raw_len;
	const char *value;	/* unfolded, trimmed */
	size_t value_len;
};

enum msg_state { IN_HEADERS, IN_BODY, FINISHED };

struct body_sink {
	inkan_body_fn fn;
	void *ud;
};

struct inkan_msg {
	inkan_ctx *ctx;
	inkan_status error;		/* sticky once set */
	enum msg_state state;
	ik_buf line;			/* current physical header line */
	ik_buf field;			/* pending field, wire form */
	size_t header_bytes;		/* header section so far, wire form */
	inkan_header **headers;
	size_t nheaders;
	size_t cap;
	struct body_sink sinks[MAX_SINKS];
	size_t nsinks;
	uint64_t body_len;
	int body_prev_cr;		/* last body byte fed was CR */
};

INKAN_API inkan_status
inkan_msg_new(inkan_ctx *ctx, inkan_msg **out)
{
	inkan_msg *m;

	if (ctx == NULL || out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	m = ik_calloc(ctx, 1, sizeof(*m));
	if (m == NULL)
		return INKAN_ERR_NOMEM;
	m->ctx = ctx;
	/* +1: the CR of a CRLF is held in the line until its LF arrives */
	ik_buf_init(&m->line, ctx, ik_limit(ctx, INKAN_LIMIT_HEADER_LINE) + 1);
	ik_buf_init(&m->field, ctx, ik_limit(ctx, INKAN_LIMIT_HEADER_BYTES));
	*out = m;
	return INKAN_OK;
}

INKAN_API void
inkan_msg_free(inkan_msg *msg)
{
	size_t i;

	if (msg == NULL)
		return;
	for (i = 0; i < msg->nheaders; i++)
		ik_free(msg->ctx, msg->headers[i]);
	ik_free(msg->ctx, msg->headers);
	ik_buf_free(&msg->line);
	ik_buf_free(&msg->field);
	ik_free(msg->ctx, msg);
}

INKAN_API inkan_status
inkan_msg_add_body_sink(inkan_msg *msg, inkan_body_fn fn, void *ud)
{
	if (msg == NULL || fn == NULL)
		return INKAN_ERR_INVALID;
	if (msg->nsinks == MAX_SINKS)
		return INKAN_ERR_LIMIT;
	if (msg->body_len > 0 || msg->state == FINISHED)
		return INKAN_ERR_STATE;
	msg->sinks[msg->nsinks].fn = fn;
	msg->sinks[msg->nsinks].ud = ud;
	msg->nsinks++;
	return INKAN_OK;
}

static inkan_status
fail(inkan_msg *msg, inkan_status st)
{
	if (msg->error == INKAN_OK)
		msg->error = st;
	return msg->error;
}

/* RFC 5322 3.6.8: ftext is printable US-ASCII except the colon */
static int
is_ftext(unsigned char c)
{
	return c >= 33 && c <= 126 && c != ':';
}

/* Length of the field name at the start of @s, or 0 if @s has no valid
 * "name *WSP :" prefix. *colon gets the colon's offset. */
static size_t
field_name_length(const char *s, size_t len, size_t *colon)
{
	size_t i = 0, name_len;

	while (i < len && is_ftext((unsigned char)s[i]))
		i++;
	name_len = i;
	while (i < len && ik_is_wsp((unsigned char)s[i]))	/* obs-optional */
		i++;
	if (name_len == 0 || i >= len || s[i] != ':')
		return 0;
	*colon = i;
	return name_len;
}

/* Turn the pending field (wire form in msg->field) into a header. */
static inkan_status
complete_field(inkan_msg *msg)
{
	const char *raw = msg->field.data;
	size_t raw_len = msg->field.len, colon = 0, name_len, i, vlen = 0;
	size_t vstart, vend;
	inkan_header *h;
	char *block, *value;

	if (raw_len == 0)
		return INKAN_OK;
	name_len = field_name_length(raw, raw_len, &colon);
	if (name_len == 0)
		return fail(msg, INKAN_ERR_SYNTAX);
	if (msg->nheaders >= ik_limit(msg->ctx, INKAN_LIMIT_HEADER_FIELDS))
		return fail(msg, INKAN_ERR_HEADER_COUNT);
	if (msg->nheaders == msg->cap) {
		size_t ncap = msg->cap ? msg->cap * 2 : 32;
		inkan_header **n = ik_reallocarray(msg->ctx, msg->headers,
			ncap, sizeof(*n));
		if (n == NULL)
			return fail(msg, INKAN_ERR_NOMEM);
		msg->headers = n;
		msg->cap = ncap;
	}
	/* one block: struct, raw + NUL, value + NUL (value <= raw) */
	if (raw_len > (SIZE_MAX - sizeof(*h) - 2) / 2)
		return fail(msg, INKAN_ERR_HEADER_SIZE);
	block = ik_malloc(msg->ctx, sizeof(*h) + 2 * raw_len + 2);
	if (block == NULL)
		return fail(msg, INKAN_ERR_NOMEM);
	h = (inkan_header *)(void *)block;
	memcpy(block + sizeof(*h), raw, raw_len);
	block[sizeof(*h) + raw_len] = '\0';
	value = block + sizeof(*h) + raw_len + 1;

	/* RFC 5322 2.2.3: unfolding removes each CRLF that precedes WSP; the
	 * final CRLF ends the field and is dropped too. */
	for (i = colon + 1; i < raw_len;) {
		/* the run up to the next CR goes in one copy */
		const char *cr = memchr(raw + i, '\r', raw_len - i);
		size_t run = (cr != NULL ? (size_t)(cr - raw) : raw_len) - i;

		memcpy(value + vlen, raw + i, run);
		vlen += run;
		i += run;
		if (i == raw_len)
			break;
		if (i + 1 < raw_len && raw[i + 1] == '\n')
			i += 2;
		else
			value[vlen++] = raw[i++];	/* a lone CR stays */
	}
	vstart = 0;
	while (vstart < vlen && ik_is_wsp((unsigned char)value[vstart]))
		vstart++;
	vend = vlen;
	while (vend > vstart && ik_is_wsp((unsigned char)value[vend - 1]))
		vend--;
	memmove(value, value + vstart, vend - vstart);
	value[vend - vstart] = '\0';

	h->index = msg->nheaders;
	h->raw = block + sizeof(*h);
	h->raw_len = raw_len;
	h->name = h->raw;
	h->name_len = name_len;
	h->value = value;
	h->value_len = vend - vstart;
	msg->headers[msg->nheaders++] = h;
	ik_buf_reset(&msg->field);
	return INKAN_OK;
}

/* Append one line plus CRLF to the pending field, counting section size. */
static inkan_status
append_line_to_field(inkan_msg *msg, const char *line, size_t len)
{
	inkan_status st;

	if (len + 2 > ik_limit(msg->ctx, INKAN_LIMIT_HEADER_BYTES) -
	    msg->header_bytes)
		return fail(msg, INKAN_ERR_HEADER_SIZE);
	msg->header_bytes += len + 2;
	st = ik_buf_append(&msg->field, line, len);
	if (st == INKAN_OK)
		st = ik_buf_append(&msg->field, "\r\n", 2);
	if (st == INKAN_ERR_LIMIT)
		st = INKAN_ERR_HEADER_SIZE;
	return st == INKAN_OK ? INKAN_OK : fail(msg, st);
}

/* One physical header line, without its line ending. */
static inkan_status
header_line(inkan_msg *msg, const char *line, size_t len)
{
	inkan_status st;
	size_t colon;

	if (len == 0) {			/* RFC 5322 2.1: end of header section */
		st = complete_field(msg);
		if (st == INKAN_OK)
			msg->state = IN_BODY;
		return st;
	}
	if (ik_is_wsp((unsigned char)line[0])) {	/* folded continuation */
		if (msg->field.len == 0)
			return fail(msg, INKAN_ERR_SYNTAX);
		return append_line_to_field(msg, line, len);
	}
	st = complete_field(msg);
	if (st != INKAN_OK)
		return st;
	if (field_name_length(line, len, &colon) == 0)
		return fail(msg, INKAN_ERR_SYNTAX);
	return append_line_to_field(msg, line, len);
}

static inkan_status
emit_body(inkan_msg *msg, const char *data, size_t len)
{
	size_t i;
	inkan_status st;

	if (len == 0)
		return INKAN_OK;
	for (i = 0; i < msg->nsinks; i++) {
		st = msg->sinks[i].fn(msg->sinks[i].ud, data, len);
		if (st != INKAN_OK)
			return fail(msg, st);
	}
	msg->body_len += len;
	return INKAN_OK;
}

/* Body bytes: pass through, turning each bare LF into CRLF. */
static inkan_status
body_bytes(inkan_msg *msg, const char *data, size_t len)
{
	size_t start = 0, i;
	const char *lf;
	inkan_status st;

	/* Runs that are already CRLF go out whole; the chunk is cut only
	 * where a bare LF needs its CR, so sinks see few, large pieces. */
	size_t scan = 0;
	while (scan < len &&
	    (lf = memchr(data + scan, '\n', len - scan)) != NULL) {
		i = (size_t)(lf - data);
		int prev_cr = i > 0 ? data[i - 1] == '\r' : msg->body_prev_cr;
		scan = i + 1;
		if (prev_cr)
			continue;
		if ((st = emit_body(msg, data + start, i - start)) ||
		    (st = emit_body(msg, "\r\n", 2)))
			return st;
		start = i + 1;
	}
	if ((st = emit_body(msg, data + start, len - start)))
		return st;
	if (len > 0)
		msg->body_prev_cr = data[len - 1] == '\r';
	return INKAN_OK;
}

/* Header bytes: gather physical lines; returns how much was consumed (the
 * rest, after the empty line, is body). */
static inkan_status
header_bytes(inkan_msg *msg, const char *data, size_t len, size_t *used)
{
	size_t pos = 0, n;
	const char *lf;
	inkan_status st;

	while (pos < len && msg->state == IN_HEADERS) {
		lf = memchr(data + pos, '\n', len - pos);
		n = lf ? (size_t)(lf - (data + pos)) : len - pos;
		st = ik_buf_append(&msg->line, data + pos, n);
		if (st == INKAN_ERR_LIMIT)
			return fail(msg, INKAN_ERR_LINE_LENGTH);
		if (st != INKAN_OK)
			return fail(msg, st);
		pos += n;
		if (lf == NULL)
			break;
		pos++;		/* the LF */
		n = msg->line.len;
		if (n > 0 && msg->line.data[n - 1] == '\r')
			n--;
		if (n > ik_limit(msg->ctx, INKAN_LIMIT_HEADER_LINE))
			return fail(msg, INKAN_ERR_LINE_LENGTH);
		st = header_line(msg, msg->line.data ? msg->line.data : "", n);
		ik_buf_reset(&msg->line);
		if (st != INKAN_OK)
			return st;
	}
	*used = pos;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_msg_feed(inkan_msg *msg, const void *data, size_t len)
{
	const char *p = data;
	size_t used = 0;
	inkan_status st;

	if (msg == NULL || (data == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if (msg->error != INKAN_OK)
		return msg->error;
	if (msg->state == FINISHED)
		return INKAN_ERR_STATE;
	if (msg->state == IN_HEADERS) {
		st = header_bytes(msg, p, len, &used);
		if (st != INKAN_OK)
			return st;
	}
	if (msg->state == IN_BODY)
		return body_bytes(msg, p + used, len - used);
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_msg_add_header(inkan_msg *msg, const char *name, const char *value)
{
	size_t name_len, i, start = 0, colon;
	inkan_status st;

	if (msg == NULL || name == NULL || value == NULL)
		return INKAN_ERR_INVALID;
	if (msg->error != INKAN_OK)
		return msg->error;
	if (msg->state != IN_HEADERS || msg->line.len > 0)
		return INKAN_ERR_STATE;
	name_len = strlen(name);
	for (i = 0; i < name_len; i++)
		if (!is_ftext((unsigned char)name[i]))
			return fail(msg, INKAN_ERR_SYNTAX);
	if (name_len == 0 || (st = complete_field(msg)) != INKAN_OK)
		return name_len == 0 ? fail(msg, INKAN_ERR_SYNTAX) : st;
	/* build "name:value" line by line, each line of the value as fed */
	for (i = 0;; i++) {
		if (value[i] != '\n' && value[i] != '\0')
			continue;
		size_t end = i;
		if (end > start && value[end - 1] == '\r')
			end--;
		if (start == 0) {
			ik_buf line;
			ik_buf_init(&line, msg->ctx,
				ik_limit(msg->ctx, INKAN_LIMIT_HEADER_LINE));
			st = ik_buf_append(&line, name, name_len);
			if (st == INKAN_OK)
				st = ik_buf_putc(&line, ':');
			if (st == INKAN_OK)
				st = ik_buf_append(&line, value, end);
			if (st == INKAN_OK)
				st = append_line_to_field(msg, line.data, line.len);
			else if (st == INKAN_ERR_LIMIT)
				st = fail(msg, INKAN_ERR_LINE_LENGTH);
			ik_buf_free(&line);
		} else if (end - start > ik_limit(msg->ctx,
		    INKAN_LIMIT_HEADER_LINE))
			st = fail(msg, INKAN_ERR_LINE_LENGTH);
		else
			st = append_line_to_field(msg, value + start,
				end - start);
		if (st != INKAN_OK)
			return fail(msg, st);
		if (value[i] == '\0')
			break;
		start = i + 1;
	}
	(void)colon;
	return complete_field(msg);
}

INKAN_API inkan_status
inkan_msg_end_headers(inkan_msg *msg)
{
	inkan_status st;

	if (msg == NULL)
		return INKAN_ERR_INVALID;
	if (msg->error != INKAN_OK)
		return msg->error;
	if (msg->state != IN_HEADERS || msg->line.len > 0)
		return INKAN_ERR_STATE;
	st = complete_field(msg);
	if (st == INKAN_OK)
		msg->state = IN_BODY;
	return st;
}

INKAN_API inkan_status
inkan_msg_add_body(inkan_msg *msg, const void *data, size_t len)
{
	if (msg == NULL || (data == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if (msg->error != INKAN_OK)
		return msg->error;
	if (msg->state != IN_BODY)
		return INKAN_ERR_STATE;
	return body_bytes(msg, data, len);
}

INKAN_API inkan_status
inkan_msg_finish(inkan_msg *msg)
{
	inkan_status st = INKAN_OK;
	size_t n;

	if (msg == NULL)
		return INKAN_ERR_INVALID;
	if (msg->error != INKAN_OK)
		return msg->error;
	if (msg->state == IN_HEADERS) {
		/* a last header line with no line ending, then no body */
		n = msg->line.len;
		if (n > 0 && msg->line.data[n - 1] == '\r')
			n--;
		if (n > 0)
			st = header_line(msg, msg->line.data, n);
		ik_buf_reset(&msg->line);
		if (st == INKAN_OK)
			st = complete_field(msg);
		if (st != INKAN_OK)
			return st;
	}
	msg->state = FINISHED;
	return INKAN_OK;
}

INKAN_API int
inkan_msg_headers_done(const inkan_msg *msg)
{
	return msg != NULL && msg->state != IN_HEADERS;
}

INKAN_API uint64_t
inkan_msg_body_length(const inkan_msg *msg)
{
	return msg ? msg->body_len : 0;
}

INKAN_API size_t
inkan_msg_header_count(const inkan_msg *msg)
{
	return msg ? msg->nheaders : 0;
}

INKAN_API const inkan_header *
inkan_msg_header_at(const inkan_msg *msg, size_t index)
{
	if (msg == NULL || index >= msg->nheaders)
		return NULL;
	return msg->headers[index];
}

static int
named(const inkan_header *h, const char *name)
{
	/* the first letters tell most names apart without a strlen (DKIM
	 * looks up every h= name this way, from the bottom) */
	if (h->name_len > 0 && ik_to_lower((unsigned char)h->name[0]) !=
	    ik_to_lower((unsigned char)name[0]))
		return 0;
	return ik_ascii_eqz(h->name, h->name_len, name);
}

INKAN_API size_t
inkan_msg_count_named(const inkan_msg *msg, const char *name)
{
	size_t i, n = 0;

	if (msg == NULL || name == NULL)
		return 0;
	for (i = 0; i < msg->nheaders; i++)
		n += (size_t)named(msg->headers[i], name);
	return n;
}

INKAN_API const inkan_header *
inkan_msg_find(const inkan_msg *msg, const char *name, size_t nth)
{
	size_t i;

	if (msg == NULL || name == NULL)
		return NULL;
	for (i = 0; i < msg->nheaders; i++)
		if (named(msg->headers[i], name) && nth-- == 0)
			return msg->headers[i];
	return NULL;
}

INKAN_API const inkan_header *
inkan_msg_find_from_bottom(const inkan_msg *msg, const char *name, size_t nth)
{
	size_t i;

	if (msg == NULL || name == NULL)
		return NULL;
	for (i = msg->nheaders; i-- > 0;)
		if (named(msg->headers[i], name) && nth-- == 0)
			return msg->headers[i];
	return NULL;
}

INKAN_API const char *
inkan_header_name(const inkan_header *h, size_t *len)
{
	if (len != NULL)
		*len = h ? h->name_len : 0;
	return h ? h->name : NULL;
}

INKAN_API const char *
inkan_header_raw(const inkan_header *h, size_t *len)
{
	if (len != NULL)
		*len = h ? h->raw_len : 0;
	return h ? h->raw : NULL;
}

INKAN_API const char *
inkan_header_value(const inkan_header *h, size_t *len)
{
	if (len != NULL)
		*len = h ? h->value_len : 0;
	return h ? h->value : NULL;
}

INKAN_API size_t
inkan_header_index(const inkan_header *h)
{
	return h ? h->index : 0;
}
