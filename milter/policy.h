/* SPDX-License-Identifier: MIT */
/*
 * policy.h - the two decisions the milter makes for each message, kept
 * apart from libmilter so that they can be tested alone:
 *  - sign or verify (mt_policy_decide), from the SMTP session;
 *  - what to do with a verified message (mt_policy_act), from the
 *    verdict of lib/verify and the local policy of the configuration.
 * Both explain themselves in one short phrase for the log line.
 */
#ifndef INKAN_MILTER_POLICY_H
#define INKAN_MILTER_POLICY_H

#include <inkan/verify.h>

#include "config.h"

enum mt_mode {
	MT_MODE_VERIFY = 0,
	MT_MODE_SIGN = 1
};

struct mt_decision {
	enum mt_mode mode;
	char why[160];
};

/*
 * Sign when the client authenticated (@auth_authen not empty), or its
 * IP is in internal_networks, or @daemon_name is one of sign_daemons;
 * otherwise verify. Every argument may be NULL (unknown).
 */
void mt_policy_decide(const struct mt_config *c, const char *auth_authen,
	const char *client_ip, const char *daemon_name,
	struct mt_decision *d);

enum mt_action {
	MT_ACT_ACCEPT = 0,
	MT_ACT_REJECT = 1,	/* 550 5.7.1 */
	MT_ACT_TEMPFAIL = 2,	/* 451 4.7.x */
	MT_ACT_QUARANTINE = 3	/* hold queue (smfi_quarantine) */
};

struct mt_act {
	enum mt_action action;
	const char *rcode;	/* "550", "451" or NULL */
	const char *xcode;	/* "5.7.1", ... or NULL */
	char text[256];		/* the SMTP reply text, or "" */
	char why[200];		/* for the log line */
	int monitor;		/* the From domain is in monitor mode */
	int forwarder;		/* trusted forwarder: local policy override */
};

/*
 * The action for @r (after inkan_verify_eom) of a message from
 * @client_ip:
 *  - DMARC fail, disposition reject: 550 5.7.1 naming the domain and the
 *    reason; quarantine: hold or header, as configured;
 *  - DMARC temperror, or SPF temperror without a DMARC pass: 451 4.7.x,
 *    or accept, as configured (on_temperror);
 *  - the From domain in monitor_domains: accept, say what would have
 *    been done;
 *  - a trusted forwarder: a DMARC failure is accepted (local policy).
 */
void mt_policy_act(const struct mt_config *c, const char *client_ip,
	const inkan_verify_result *r, struct mt_act *a);

const char *mt_action_name(enum mt_action a);

#endif
