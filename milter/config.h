/* SPDX-License-Identifier: MIT */
/*
 * config.h - the inkan-milter configuration file (inkan-milter.conf(5)).
 *
 * One "key = value" per line; '#' starts a comment line; blank lines are
 * skipped. The parser is strict: an unknown key, a bad value, a scalar
 * key given twice or a line over the limits is an error naming the line.
 * List keys (internal_networks, sign_domain, ...) may be repeated; their
 * values add up. The text is untrusted input (fuzz/fuzz_milter_config.c):
 * the file is at most MT_CONFIG_MAX_BYTES, a line MT_CONFIG_MAX_LINE, a
 * list MT_CONFIG_MAX_LIST entries.
 *
 * Ownership: mt_config_parse() gives the caller a config to free with
 * mt_config_free(). A config is read-only once parsed and may be read by
 * any number of threads.
 */
#ifndef INKAN_MILTER_CONFIG_H
#define INKAN_MILTER_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MT_CONFIG_MAX_BYTES (1024 * 1024)
#define MT_CONFIG_MAX_LINE 4096
#define MT_CONFIG_MAX_LIST 1024

/* An IPv4 or IPv6 network ("10.0.0.0/8", "::1", "192.0.2.7"). */
struct mt_net {
	int v6;			/* 0: IPv4 (4 bytes used), 1: IPv6 */
	uint8_t addr[16];
	unsigned prefix;	/* 0..32 or 0..128 */
};

/* sign_domain = DOMAIN STATE_DIR */
struct mt_sign_domain {
	char *domain;		/* lower case, no trailing dot */
	char *state_dir;
};

/* mail_from = DOMAIN SUBDOMAIN [keep|tempfail] */
struct mt_mail_from {
	char *domain;
	char *sub;		/* a proper subdomain of domain */
	int fallback;		/* enum mt_mail_from_fallback, or -1: the
				 * global mail_from_fallback */
};

enum mt_temperror_action {
	MT_TEMPERROR_TEMPFAIL = 0,	/* 451 4.7.x (default) */
	MT_TEMPERROR_ACCEPT = 1		/* accept, A-R says temperror */
};

enum mt_quarantine_action {
	MT_QUARANTINE_HOLD = 0,		/* smfi_quarantine: hold queue */
	MT_QUARANTINE_HEADER = 1	/* only the A-R header says so */
};

enum mt_mail_from_fallback {
	MT_MAIL_FROM_KEEP = 0,		/* keep the original sender */
	MT_MAIL_FROM_TEMPFAIL = 1	/* 451 until the records are fixed */
};

enum mt_log_target {
	MT_LOG_SYSLOG = 0,
	MT_LOG_STDERR = 1
};

struct mt_config {
	/* listening */
	char *socket;			/* "unix:PATH" or "inet:PORT@ADDR" */
	unsigned socket_mode;		/* unix socket mode, default 0660 */
	char *socket_group;		/* unix socket group, or NULL */
	char *user;			/* user to become when started as root */
	char *pid_file;
	enum mt_log_target log;
	int log_debug;
	/* DNS */
	char *dns_server;		/* "ADDR[@PORT]", NULL: resolv.conf */
	unsigned dns_timeout_ms;	/* default 5000 */
	/* verifying */
	char *authserv_id;		/* required */
	int received_spf;		/* add Received-SPF (default no) */
	int spf_thread;			/* SPF on a thread per message while
					 * it arrives (default no: see
					 * inkan-milter.conf(5)) */
	enum mt_temperror_action on_temperror;
	enum mt_quarantine_action quarantine;
	char **monitor_domains;		/* evaluate and log, never act */
	size_t nmonitor_domains;
	struct mt_net *trusted_forwarders;	/* DMARC local override */
	size_t ntrusted_forwarders;
	char **arc_trusted_sealers;	/* ARC-Seal d= trusted to vouch for
					 * forwarded mail (RFC 8617 7.2) */
	size_t narc_trusted_sealers;
	/* ARC sealing of verified mail (RFC 8617 5.1); all three or none */
	char *arc_seal_domain;
	char *arc_seal_selector;
	char *arc_seal_key;		/* private key file, 0600/0640 */
	/* signing */
	struct mt_net *internal_networks;
	size_t ninternal_networks;
	char **sign_daemons;		/* Postfix {daemon_name} values */
	size_t nsign_daemons;
	struct mt_sign_domain *sign_domains;
	size_t nsign_domains;
	char *keytable;			/* OpenDKIM KeyTable, or NULL */
	char *signingtable;		/* OpenDKIM SigningTable, or NULL */
	char *default_signing_domain;	/* NULL: no key => no signature */
	unsigned resign_window;		/* seconds (default 3600) */
	/* custom MAIL FROM */
	struct mt_mail_from *mail_from;
	size_t nmail_from;
	enum mt_mail_from_fallback mail_from_fallback;
	unsigned mail_from_check_interval;	/* seconds (default 300) */
	/* bounds */
	unsigned max_sessions;		/* concurrent SMTP sessions (64) */
	unsigned max_signatures;	/* DKIM signatures verified (10) */
	unsigned max_header_bytes;	/* header section (262144) */
	unsigned time_budget_ms;	/* DNS per message (20000) */
	unsigned shutdown_wait;		/* SIGTERM: seconds to finish (60) */
	/* counters */
	unsigned stats_port;		/* Prometheus text on 127.0.0.1, 0 off */
	/* report rows */
	char *report_store;		/* "sqlite:PATH" or a postgresql URI */
	unsigned report_buffer;		/* rows held for the store (4096) */
};

/*
 * Parse @len bytes of @text (not NUL-terminated necessarily). @name is the
 * file name used in error messages. On success *out is the caller's
 * (mt_config_free()). On failure returns -1 and writes
 * "NAME:LINE: message" to @err.
 */
int mt_config_parse(const char *text, size_t len, const char *name,
	struct mt_config **out, char *err, size_t errlen);

/* Read @path (at most MT_CONFIG_MAX_BYTES) and parse it. */
int mt_config_load(const char *path, struct mt_config **out, char *err,
	size_t errlen);

void mt_config_free(struct mt_config *c);

/* Write the effective configuration, defaults included, in the file's
 * own syntax (it parses back to the same configuration). */
void mt_config_print(const struct mt_config *c, FILE *f);

/* Network helpers (config_net.c). */
int mt_net_parse(const char *text, struct mt_net *out);
int mt_net_contains(const struct mt_net *n, const char *ip_text);
void mt_net_format(const struct mt_net *n, char *buf, size_t len);

#endif
