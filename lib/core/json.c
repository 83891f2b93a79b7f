/* SPDX-License-Identifier: MIT */
/*
 * json.c - the structured JSON emitter (see inkan/json.h). It keeps a
 * stack of the open containers, grown as needed, so it knows where commas
 * go and can refuse a value where a key is due.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <inkan/json.h>

#include "alloc.h"

enum frame { IN_ARRAY, IN_OBJECT };

struct inkan_json {
	const inkan_ctx *ctx;	/* borrowed */
	inkan_json_write_fn write;
	void *arg;
	unsigned char *stack;	/* enum frame per open container */
	size_t depth, cap;
	int need_comma;		/* a value was written at this level */
	int have_key;		/* in an object: the key is written */
	int done;		/* a whole document was written */
	inkan_status err;	/* sticky */
};

INKAN_API inkan_status
inkan_json_new(const inkan_ctx *ctx, inkan_json_write_fn write, void *arg,
	inkan_json **out)
{
	inkan_json *j;

	if (out == NULL)
		return INKAN_ERR_INVALID;
	*out = NULL;
	if (ctx == NULL || write == NULL)
		return INKAN_ERR_INVALID;
	j = ik_calloc(ctx, 1, sizeof(*j));
	if (j == NULL)
		return INKAN_ERR_NOMEM;
	j->ctx = ctx;
	j->write = write;
	j->arg = arg;
	*out = j;
	return INKAN_OK;
}

INKAN_API void
inkan_json_free(inkan_json *j)
{
	if (j == NULL)
		return;
	ik_free(j->ctx, j->stack);
	ik_free(j->ctx, j);
}

static inkan_status
fail(inkan_json *j, inkan_status st)
{
	if (j->err == INKAN_OK)
		j->err = st;
	return j->err;
}

static inkan_status
put(inkan_json *j, const char *s, size_t len)
{
	if (j->err != INKAN_OK)
		return j->err;
	if (j->write(j->arg, s, len) != 0)
		return fail(j, INKAN_ERR_IO);
	return INKAN_OK;
}

/* Before a value: the comma, and the check that a value may stand here. */
static inkan_status
before_value(inkan_json *j)
{
	if (j == NULL)
		return INKAN_ERR_INVALID;
	if (j->err != INKAN_OK)
		return j->err;
	if (j->depth == 0) {
		if (j->done)	/* one value per document */
			return fail(j, INKAN_ERR_INVALID);
		return INKAN_OK;
	}
	if (j->stack[j->depth - 1] == IN_OBJECT) {
		if (!j->have_key)
			return fail(j, INKAN_ERR_INVALID);
		j->have_key = 0;
		return INKAN_OK;
	}
	if (j->need_comma)
		return put(j, ",", 1);
	return INKAN_OK;
}

/* After a value: the level now has a member; a top-level value ends it. */
static inkan_status
after_value(inkan_json *j)
{
	j->need_comma = 1;
	if (j->depth == 0)
		j->done = 1;
	return j->err;
}

static inkan_status
open_container(inkan_json *j, enum frame f, const char *c)
{
	inkan_status st = before_value(j);

	if (st != INKAN_OK)
		return st;
	if (j->depth == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 16;
		unsigned char *s = ik_realloc(j->ctx, j->stack, cap);

		if (s == NULL)
			return fail(j, INKAN_ERR_NOMEM);
		j->stack = s;
		j->cap = cap;
	}
	j->stack[j->depth++] = (unsigned char)f;
	j->need_comma = 0;
	return put(j, c, 1);
}

static inkan_status
close_container(inkan_json *j, enum frame f, const char *c)
{
	if (j == NULL)
		return INKAN_ERR_INVALID;
	if (j->err != INKAN_OK)
		return j->err;
	if (j->depth == 0 || j->stack[j->depth - 1] != f || j->have_key)
		return fail(j, INKAN_ERR_INVALID);
	j->depth--;
	if (put(j, c, 1) != INKAN_OK)
		return j->err;
	return after_value(j);
}

INKAN_API inkan_status
inkan_json_object_begin(inkan_json *j)
{
	return open_container(j, IN_OBJECT, "{");
}

INKAN_API inkan_status
inkan_json_object_end(inkan_json *j)
{
	return close_container(j, IN_OBJECT, "}");
}

INKAN_API inkan_status
inkan_json_array_begin(inkan_json *j)
{
	return open_container(j, IN_ARRAY, "[");
}

INKAN_API inkan_status
inkan_json_array_end(inkan_json *j)
{
	return close_container(j, IN_ARRAY, "]");
}

static int
put_cb(void *arg, const char *s, size_t len)
{
	inkan_json *j = arg;

	return j->write(j->arg, s, len);
}

static inkan_status
put_string(inkan_json *j, const char *s, size_t len)
{
	inkan_status st;

	if (j->err != INKAN_OK)
		return j->err;
	st = inkan_json_escape(s, len, put_cb, j);
	return st == INKAN_OK ? INKAN_OK : fail(j, st);
}

INKAN_API inkan_status
inkan_json_key(inkan_json *j, const char *key)
{
	if (j == NULL)
		return INKAN_ERR_INVALID;
	if (j->err != INKAN_OK)
		return j->err;
	if (key == NULL || j->depth == 0 ||
	    j->stack[j->depth - 1] != IN_OBJECT || j->have_key)
		return fail(j, INKAN_ERR_INVALID);
	if (j->need_comma && put(j, ",", 1) != INKAN_OK)
		return j->err;
	if (put_string(j, key, strlen(key)) != INKAN_OK ||
	    put(j, ":", 1) != INKAN_OK)
		return j->err;
	j->have_key = 1;
	return INKAN_OK;
}

static inkan_status
scalar(inkan_json *j, const char *text)
{
	inkan_status st = before_value(j);

	if (st != INKAN_OK || put(j, text, strlen(text)) != INKAN_OK)
		return j->err != INKAN_OK ? j->err : st;
	return after_value(j);
}

INKAN_API inkan_status
inkan_json_string(inkan_json *j, const char *s, size_t len)
{
	inkan_status st;

	if (s == NULL)
		return inkan_json_null(j);
	st = before_value(j);
	if (st != INKAN_OK || put_string(j, s, len) != INKAN_OK)
		return j->err != INKAN_OK ? j->err : st;
	return after_value(j);
}

INKAN_API inkan_status
inkan_json_cstr(inkan_json *j, const char *s)
{
	return inkan_json_string(j, s, s ? strlen(s) : 0);
}

INKAN_API inkan_status
inkan_json_int(inkan_json *j, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return scalar(j, buf);
}

INKAN_API inkan_status
inkan_json_uint(inkan_json *j, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return scalar(j, buf);
}

INKAN_API inkan_status
inkan_json_bool(inkan_json *j, int v)
{
	return scalar(j, v ? "true" : "false");
}

INKAN_API inkan_status
inkan_json_null(inkan_json *j)
{
	return scalar(j, "null");
}

INKAN_API inkan_status
inkan_json_member_cstr(inkan_json *j, const char *key, const char *s)
{
	inkan_status st = inkan_json_key(j, key);

	return st != INKAN_OK ? st : inkan_json_cstr(j, s);
}

INKAN_API inkan_status
inkan_json_member_int(inkan_json *j, const char *key, int64_t v)
{
	inkan_status st = inkan_json_key(j, key);

	return st != INKAN_OK ? st : inkan_json_int(j, v);
}

INKAN_API inkan_status
inkan_json_member_bool(inkan_json *j, const char *key, int v)
{
	inkan_status st = inkan_json_key(j, key);

	return st != INKAN_OK ? st : inkan_json_bool(j, v);
}

INKAN_API inkan_status
inkan_json_finish(inkan_json *j)
{
	inkan_status st;

	if (j == NULL)
		return INKAN_ERR_INVALID;
	if (j->err == INKAN_OK && (j->depth != 0 || !j->done))
		fail(j, INKAN_ERR_INVALID);
	if (j->err == INKAN_OK)
		put(j, "\n", 1);
	st = j->err;
	/* ready for the next document of a JSON Lines stream */
	j->depth = 0;
	j->need_comma = j->have_key = j->done = 0;
	j->err = INKAN_OK;
	return st;
}
