/* SPDX-License-Identifier: MIT */
/*
 * milter.h - the running daemon: the current shared state (swapped on
 * SIGHUP), the counters, the log. libmilter's callbacks carry no user
 * pointer, so callbacks.c keeps one pointer to the daemon, set once by
 * mt_callbacks_init() before the first connection; that is the only
 * process-wide variable of inkan-milter.
 */
#ifndef INKAN_MILTER_MILTER_H
#define INKAN_MILTER_MILTER_H

#include <pthread.h>
#include <stdatomic.h>

#include "report.h"
#include "state.h"
#include "stats.h"

struct mt_daemon {
	pthread_mutex_t lock;		/* guards cur */
	struct mt_state *cur;
	struct mt_stats stats;
	int log_stderr;
	int log_debug;
	atomic_int stopping;		/* SIGTERM: refuse new messages */
	atomic_int active_messages;	/* between MAIL FROM and its end */
	/* the MTA offered SMFIP_HDR_LEADSPC at the last negotiation (it
	 * precedes connect, before a session exists; one MTA talks to a
	 * milter, so its offer is the same every time) */
	atomic_int leadspc;
	/* report rows (report.h): the store and its own context, or NULL */
	inkan_report_store *report;
	inkan_ctx *report_ctx;
	uint64_t report_lost_logged;	/* main loop only */
};

/* The current state with a reference for the caller (mt_state_unref). */
struct mt_state *mt_daemon_state(struct mt_daemon *d);

/* Publish @st (the daemon takes the caller's reference) and drop the
 * daemon's reference to the old one. */
void mt_daemon_swap(struct mt_daemon *d, struct mt_state *st);

enum mt_log_level {
	MT_ERR = 3,
	MT_WARNING = 4,
	MT_INFO = 6,
	MT_DEBUG = 7
};

void mt_log(struct mt_daemon *d, enum mt_log_level level, const char *fmt,
	...) __attribute__((format(printf, 3, 4)));

/* callbacks.c */
struct smfiDesc;
void mt_callbacks_init(struct mt_daemon *d);
struct smfiDesc *mt_callbacks_desc(void);

#endif
