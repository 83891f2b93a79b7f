/* SPDX-License-Identifier: MIT */
/*
 * maildir.c - list the message files of a Maildir (the layout of
 * qmail's maildir(5): tmp/ for deliveries in progress, new/ for unseen
 * mail, cur/ for mail a reader has seen). tmp/ is never read: a file
 * there is still being written.
 *
 * The list is sorted by name so that two runs give the same order; the
 * file names hold the delivery time first, so the order is also roughly
 * the order of arrival.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "msg/mailbox_internal.h"

struct list {
	char **v;
	size_t n, cap;
};

static char *
join(const inkan_ctx *ctx, const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = ik_malloc(ctx, a + b + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, dir, a);
	/* "dir/" + name, without doubling a trailing slash */
	if (a > 0 && dir[a - 1] != '/')
		p[a++] = '/';
	memcpy(p + a, name, b + 1);
	return p;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static inkan_status
push(const inkan_ctx *ctx, struct list *l, char *path)
{
	char **v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		v = ik_reallocarray(ctx, l->v, cap, sizeof(*v));
		if (v == NULL) {
			ik_free(ctx, path);
			return INKAN_ERR_NOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = path;
	return INKAN_OK;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the regular files of @dir, sorted, appended to @l */
static inkan_status
add_dir(const inkan_ctx *ctx, const char *dir, struct list *l, int *err_no)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	size_t first = l->n;
	inkan_status s = INKAN_OK;
	char *path;

	if (d == NULL) {
		*err_no = errno;
		return INKAN_ERR_IO;
	}
	while (s == INKAN_OK && (errno = 0, e = readdir(d)) != NULL) {
		/* ".", "..", and the hidden files of mail programs */
		if (e->d_name[0] == '.')
			continue;
		if ((path = join(ctx, dir, e->d_name)) == NULL) {
			s = INKAN_ERR_NOMEM;
			break;
		}
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			ik_free(ctx, path);
			continue;
		}
		s = push(ctx, l, path);
	}
	if (s == INKAN_OK && e == NULL && errno != 0) {
		*err_no = errno;
		s = INKAN_ERR_IO;
	}
	closedir(d);
	if (l->n > first)
		qsort(l->v + first, l->n - first, sizeof(*l->v), by_name);
	return s;
}

static const char *
base_name(const char *path, size_t *len)
{
	size_t n = strlen(path);
	const char *b;

	while (n > 1 && path[n - 1] == '/')
		n--;
	b = path + n;
	while (b > path && b[-1] != '/')
		b--;
	*len = (size_t)(path + n - b);
	return b;
}

void
ik_maildir_list_free(const inkan_ctx *ctx, char **files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ik_free(ctx, files[i]);
	ik_free(ctx, files);
}

inkan_status
ik_maildir_list(const inkan_ctx *ctx, const char *dir, char ***files,
	size_t *n, int *err_no)
{
	static const char *const subdirs[] = { "cur", "new" };
	struct list l = { NULL, 0, 0 };
	inkan_status s = INKAN_OK;
	size_t i, blen;
	const char *base = base_name(dir, &blen);
	int found = 0;
	char *sub;

	*files = NULL;
	*n = 0;
	*err_no = 0;
	for (i = 0; s == INKAN_OK && i < 2; i++) {
		if ((sub = join(ctx, dir, subdirs[i])) == NULL) {
			s = INKAN_ERR_NOMEM;
			break;
		}
		if (is_dir(sub)) {
			s = add_dir(ctx, sub, &l, err_no);
			found = 1;
		}
		ik_free(ctx, sub);
	}
	if (s == INKAN_OK && !found && blen == 3 &&
	    (memcmp(base, "cur", 3) == 0 || memcmp(base, "new", 3) == 0)) {
		/* the cur/ or new/ of a Maildir, given on its own */
		s = add_dir(ctx, dir, &l, err_no);
		found = 1;
	}
	if (s == INKAN_OK && !found)
		s = INKAN_ERR_UNSUPPORTED;
	if (s != INKAN_OK) {
		ik_maildir_list_free(ctx, l.v, l.n);
		return s;
	}
	*files = l.v;
	*n = l.n;
	return INKAN_OK;
}
