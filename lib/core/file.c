/* SPDX-License-Identifier: MIT */
/*
 * file.c - a whole small file into memory, bounded (see file.h). One byte
 * past the maximum is read to tell "too big" from "exactly full". EINTR
 * is retried; errno is kept across close() for the caller's message.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/file.h"

/* a memset the compiler may not drop: the buffer dies right after */
static void
wipe(char *p, size_t n)
{
	volatile char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

void
ik_file_free(const inkan_ctx *ctx, char *buf, size_t len, unsigned flags)
{
	if (buf == NULL)
		return;
	if (flags & IK_FILE_SECRET)
		wipe(buf, len);
	ik_free(ctx, buf);
}

inkan_status
ik_file_read(const inkan_ctx *ctx, const char *path, size_t max,
	unsigned flags, char **out, size_t *len)
{
	char *buf;
	size_t n = 0;
	ssize_t r = 0;
	int fd, err;
	inkan_status st;

	*out = NULL;
	*len = 0;
	if (max == SIZE_MAX)
		return INKAN_ERR_INVALID;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? INKAN_ERR_NOT_FOUND : INKAN_ERR_IO;
	if ((buf = ik_malloc(ctx, max + 1)) == NULL) {
		close(fd);
		return INKAN_ERR_NOMEM;
	}
	while (n <= max) {
		r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	err = errno;
	close(fd);
	errno = err;
	st = r < 0 ? INKAN_ERR_IO : n > max ? INKAN_ERR_LIMIT : INKAN_OK;
	if (st != INKAN_OK) {
		ik_file_free(ctx, buf, n, flags);
		return st;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return INKAN_OK;
}
