/* SPDX-License-Identifier: MIT */
/*
 * daemon.c - the daemon's current state and its log (syslog, or stderr
 * in the foreground with log = stderr).
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "milter.h"

struct mt_state *
mt_daemon_state(struct mt_daemon *d)
{
	struct mt_state *st;

	pthread_mutex_lock(&d->lock);
	st = mt_state_ref(d->cur);
	pthread_mutex_unlock(&d->lock);
	return st;
}

void
mt_daemon_swap(struct mt_daemon *d, struct mt_state *st)
{
	struct mt_state *old;

	pthread_mutex_lock(&d->lock);
	old = d->cur;
	d->cur = st;
	pthread_mutex_unlock(&d->lock);
	mt_state_unref(old);
}

void
mt_log(struct mt_daemon *d, enum mt_log_level level, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	struct timespec ts;
	struct tm tm;

	if (level == MT_DEBUG && !d->log_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!d->log_stderr) {
		syslog((int)level, "%s", line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	/* one write per line: lines of different threads never mix */
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ inkan-milter: "
		"%s\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, line);
}
