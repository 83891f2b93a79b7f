/* SPDX-License-Identifier: MIT */
/*
 * stats.h - the milter's counters, and a Prometheus text endpoint on
 * 127.0.0.1:stats_port (one GET per connection; `inkan-milter --stats`
 * reads the same endpoint). Counters are process-wide and survive
 * reloads; they are atomic, so any thread may bump them.
 */
#ifndef INKAN_MILTER_STATS_H
#define INKAN_MILTER_STATS_H

#include <stdatomic.h>
#include <stdio.h>

enum mt_counter {
	MT_C_SESSIONS,		/* SMTP sessions seen */
	MT_C_SESSIONS_REFUSED,	/* over max_sessions: tempfailed */
	MT_C_MESSAGES,		/* messages that reached end of message */
	MT_C_SIGNED,		/* messages given signatures */
	MT_C_SIGN_SKIPPED,	/* sign mode, but no key / re-injection */
	MT_C_VERIFIED,
	MT_C_DMARC_PASS,
	MT_C_DMARC_FAIL,
	MT_C_DMARC_NONE,
	MT_C_DMARC_TEMPERROR,
	MT_C_DMARC_PERMERROR,
	MT_C_ACCEPT,
	MT_C_REJECT,
	MT_C_TEMPFAIL,
	MT_C_HOLD,
	MT_C_DNS_FAILURES,	/* SPF, DKIM key or DMARC temperrors */
	MT_C_INTERNAL_ERRORS,	/* tempfailed because inkan failed */
	MT_C_MAIL_FROM_REWRITTEN,
	MT_C_MAIL_FROM_FALLBACK,
	MT_C_REPORT_ROWS,	/* rows handed to the report store */
	MT_C_REPORT_DROPPED,	/* rows lost: buffer full or store failed */
	MT_C_RELOADS,
	MT_C_RELOAD_FAILURES,
	MT_C_COUNT
};

struct mt_stats {
	atomic_ullong c[MT_C_COUNT];
	atomic_int active_sessions;
};

void mt_stats_bump(struct mt_stats *s, enum mt_counter c);

/* Prometheus text exposition format (version 0.0.4). */
void mt_stats_write(struct mt_stats *s, FILE *f);

/* Start the endpoint thread on 127.0.0.1:@port (0: none). -1 when the
 * port cannot be bound. The socket is bound before privileges drop. */
int mt_stats_serve(struct mt_stats *s, unsigned port);

/* Client side: fetch and print the counters of a running milter. */
int mt_stats_fetch(unsigned port, FILE *out);

#endif
