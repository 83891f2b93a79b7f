/* SPDX-License-Identifier: MIT */
/*
 * uri.c - which store a --db argument names.
 *
 *   /path/file.db, ./file.db, file.db  SQLite file
 *   sqlite:PATH, sqlite://PATH          SQLite file (sqlite:// keeps the
 *                                       path after the two slashes, so
 *                                       sqlite:///abs.db is /abs.db)
 *   postgresql://..., postgres://...    PostgreSQL, given to libpq as is
 *
 * Anything else with a scheme ("mysql://", "http:") is refused rather
 * than taken as a file name, so a typo does not create a stray file.
 * The input is untrusted (configuration, command line): bounded, no
 * control characters (fuzz/fuzz_report_uri.c).
 */
#include <string.h>

#include "report/store_internal.h"

#define IK_REPORT_URI_MAX 4096

static int
has_prefix(const char *s, const char *p)
{
	size_t n = strlen(p);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != p[i])
			return 0;
	}
	return 1;
}

/* "scheme:" per RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ),
 * at least two characters so "C:\x" style paths are not schemes. */
static int
looks_like_scheme(const char *s)
{
	size_t i = 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; s[i]; i++) {
		char c = s[i];
		if (c == ':')
			return i >= 2;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '-' ||
		    c == '.'))
			return 0;
	}
	return 0;
}

static inkan_status
copy_out(const char *s, char *target, size_t targetlen)
{
	if (!target)
		return INKAN_OK;
	size_t n = strlen(s);
	if (n + 1 > targetlen) {
		if (targetlen)
			target[0] = '\0';
		return INKAN_ERR_LIMIT;
	}
	memcpy(target, s, n + 1);
	return INKAN_OK;
}

inkan_status
inkan_report_store_uri_parse(const char *uri, inkan_report_backend *backend,
	char *target, size_t targetlen)
{
	if (!uri || !backend)
		return INKAN_ERR_INVALID;
	size_t n = strnlen(uri, IK_REPORT_URI_MAX + 1);
	if (n == 0)
		return INKAN_ERR_SYNTAX;
	if (n > IK_REPORT_URI_MAX)
		return INKAN_ERR_LIMIT;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (c < 0x20 || c == 0x7f)
			return INKAN_ERR_SYNTAX;
	}
	if (has_prefix(uri, "postgresql://") || has_prefix(uri, "postgres://")) {
		/* libpq parses the rest; refuse what no valid URI has */
		const char *rest = strstr(uri, "://") + 3;
		for (const char *p = rest; *p; p++)
			if (*p == ' ' || (unsigned char)*p >= 0x80)
				return INKAN_ERR_SYNTAX;
		*backend = INKAN_REPORT_BACKEND_POSTGRESQL;
		return copy_out(uri, target, targetlen);
	}
	const char *path = uri;
	if (has_prefix(uri, "sqlite:")) {
		path = uri + 7;
		if (path[0] == '/' && path[1] == '/')
			path += 2;
	} else if (looks_like_scheme(uri)) {
		return INKAN_ERR_SYNTAX;
	}
	if (!*path)
		return INKAN_ERR_SYNTAX;
	*backend = INKAN_REPORT_BACKEND_SQLITE;
	return copy_out(path, target, targetlen);
}
