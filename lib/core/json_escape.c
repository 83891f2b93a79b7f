/* SPDX-License-Identifier: MIT */
/*
 * json_escape.c - the escapers behind inkan/json.h: JSON string literals
 * (RFC 8259 7) that are valid whatever bytes come in, and text that is
 * safe to show on a terminal.
 */
#include <stdio.h>
#include <string.h>

#include <inkan/json.h>

#include "utf8.h"

/* Write the run of bytes that needed no escaping. */
static int
flush(const char *s, size_t from, size_t to, inkan_json_write_fn write,
	void *arg)
{
	return to > from ? write(arg, s + from, to - from) : 0;
}

/* The escape for a JSON control or special code point, or NULL when it is
 * written as it is. @buf has room for "\u00XX". */
static const char *
json_escape_for(uint32_t cp, char *buf, size_t size)
{
	switch (cp) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '\b': return "\\b";
	case '\f': return "\\f";
	default:
		break;
	}
	/* RFC 8259 7 requires U+0000..U+001F escaped; DEL, the C1
	 * controls and the JavaScript line separators are escaped too so
	 * no terminal or script sees them raw */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
	    cp == 0x2029) {
		snprintf(buf, size, "\\u%04x", (unsigned)cp);
		return buf;
	}
	return NULL;
}

INKAN_API inkan_status
inkan_json_escape(const char *s, size_t len, inkan_json_write_fn write,
	void *arg)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, n;
	uint32_t cp;
	char buf[8];
	const char *esc;

	if (write == NULL || (s == NULL && len > 0))
		return INKAN_ERR_INVALID;
	if (write(arg, "\"", 1) != 0)
		return INKAN_ERR_IO;
	while (i < len) {
		n = ik_utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			/* not UTF-8: U+FFFD REPLACEMENT CHARACTER */
			esc = "\\ufffd";
			n = 1;
		} else {
			esc = json_escape_for(cp, buf, sizeof(buf));
		}
		if (esc == NULL) {
			i += n;
			continue;
		}
		if (flush(s, run, i, write, arg) != 0 ||
		    write(arg, esc, strlen(esc)) != 0)
			return INKAN_ERR_IO;
		i += n;
		run = i;
	}
	if (flush(s, run, i, write, arg) != 0 || write(arg, "\"", 1) != 0)
		return INKAN_ERR_IO;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_text_escape(const char *s, size_t len, inkan_json_write_fn write,
	void *arg)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, n, k;
	uint32_t cp;
	char buf[16];

	if (write == NULL || (s == NULL && len > 0))
		return INKAN_ERR_INVALID;
	while (i < len) {
		n = ik_utf8_decode(u + i, len - i, &cp);
		if (n != 0 && cp != 0x7f && (cp >= 0x20 || cp == '\t') &&
		    (cp < 0x80 || cp > 0x9f)) {
			i += n;
			continue;
		}
		if (flush(s, run, i, write, arg) != 0)
			return INKAN_ERR_IO;
		if (n == 0)
			n = 1;
		for (k = 0; k < n; k++) {
			if (u[i + k] == '\n')
				snprintf(buf, sizeof(buf), "\\n");
			else if (u[i + k] == '\r')
				snprintf(buf, sizeof(buf), "\\r");
			else
				snprintf(buf, sizeof(buf), "\\x%02X",
					u[i + k]);
			if (write(arg, buf, strlen(buf)) != 0)
				return INKAN_ERR_IO;
		}
		i += n;
		run = i;
	}
	if (flush(s, run, i, write, arg) != 0)
		return INKAN_ERR_IO;
	return INKAN_OK;
}
