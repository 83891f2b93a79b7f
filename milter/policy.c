/* SPDX-License-Identifier: MIT */
/*
 * policy.c - sign-or-verify and the action on a verified message (see
 * policy.h). RFC 9989 5.4 (formerly RFC 7489 6.6.3): the receiver's
 * local policy may override the domain's; every override is recorded.
 */
#include <stdio.h>
#include <string.h>

#include "policy.h"

void
mt_policy_decide(const struct mt_config *c, const char *auth_authen,
	const char *client_ip, const char *daemon_name,
	struct mt_decision *d)
{
	size_t i;

	d->mode = MT_MODE_SIGN;
	if (auth_authen != NULL && auth_authen[0] != '\0') {
		snprintf(d->why, sizeof(d->why), "sign: authenticated as %.80s",
			auth_authen);
		return;
	}
	for (i = 0; i < c->ninternal_networks; i++)
		if (mt_net_contains(&c->internal_networks[i], client_ip)) {
			char net[64];

			mt_net_format(&c->internal_networks[i], net,
				sizeof(net));
			snprintf(d->why, sizeof(d->why), "sign: client %s in "
				"internal network %s", client_ip, net);
			return;
		}
	for (i = 0; daemon_name != NULL && i < c->nsign_daemons; i++)
		if (strcmp(c->sign_daemons[i], daemon_name) == 0) {
			snprintf(d->why, sizeof(d->why), "sign: daemon %.60s",
				daemon_name);
			return;
		}
	d->mode = MT_MODE_VERIFY;
	snprintf(d->why, sizeof(d->why), "verify: client %.64s not "
		"authenticated, not internal", client_ip ? client_ip : "unknown");
}

static int
in_list(char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int
spf_temperror(const inkan_verify_result *r)
{
	return r->spf_status == INKAN_VERIFY_SPF_CHECKED && r->spf != NULL &&
		r->spf->result == INKAN_SPF_TEMPERROR;
}

static void
temperror(const struct mt_config *c, const inkan_verify_result *r,
	const char *dom, struct mt_act *a)
{
	const char *what = r->dmarc->verdict == INKAN_DMARC_TEMPERROR ?
		"DMARC" : "SPF";

	if (c->on_temperror == MT_TEMPERROR_ACCEPT) {
		snprintf(a->why, sizeof(a->why), "accept: %s temperror "
			"(on_temperror = accept)", what);
		return;
	}
	a->action = MT_ACT_TEMPFAIL;
	a->rcode = "451";
	/* RFC 7372 3.2: X.7.24 SPF validation error; X.7.26 is the
	 * multiple-check code registered for DMARC-style failures */
	a->xcode = r->dmarc->verdict == INKAN_DMARC_TEMPERROR ? "4.7.26" :
		"4.7.24";
	snprintf(a->text, sizeof(a->text), "%s check for %.100s could not "
		"be completed (DNS); try again later", what, dom);
	snprintf(a->why, sizeof(a->why), "tempfail: %s temperror", what);
}

void
mt_policy_act(const struct mt_config *c, const char *client_ip,
	const inkan_verify_result *r, struct mt_act *a)
{
	const inkan_dmarc_result *d = r->dmarc;
	const char *dom = d->author_domain ? d->author_domain : "(none)";
	size_t i;

	memset(a, 0, sizeof(*a));
	a->action = MT_ACT_ACCEPT;
	snprintf(a->why, sizeof(a->why), "accept: dmarc=%s",
		inkan_dmarc_verdict_name(d->verdict));
	a->monitor = in_list(c->monitor_domains, c->nmonitor_domains,
		d->author_domain);
	for (i = 0; i < c->ntrusted_forwarders; i++)
		if (mt_net_contains(&c->trusted_forwarders[i], client_ip))
			a->forwarder = 1;
	if (d->verdict == INKAN_DMARC_TEMPERROR ||
	    (d->verdict != INKAN_DMARC_PASS && spf_temperror(r))) {
		if (a->monitor) {
			snprintf(a->why, sizeof(a->why), "accept: temperror, "
				"%s in monitor mode", dom);
			return;
		}
		temperror(c, r, dom, a);
		return;
	}
	if (d->verdict != INKAN_DMARC_FAIL ||
	    d->disposition == INKAN_DMARC_DISPOSITION_NONE)
		return;
	if (a->monitor || a->forwarder) {
		snprintf(a->why, sizeof(a->why), "accept: dmarc=fail, would "
			"%s, but %s", inkan_dmarc_disposition_name(
			d->disposition), a->monitor ? "domain in monitor mode" :
			"client is a trusted forwarder (local policy)");
		return;
	}
	if (d->disposition == INKAN_DMARC_DISPOSITION_REJECT) {
		a->action = MT_ACT_REJECT;
		a->rcode = "550";
		a->xcode = "5.7.1";
		snprintf(a->text, sizeof(a->text), "DMARC policy of %.100s "
			"is reject: %.120s", dom,
			d->reason ? d->reason : "not aligned");
		snprintf(a->why, sizeof(a->why), "reject: dmarc=fail p=reject "
			"(%.100s)", dom);
		return;
	}
	if (c->quarantine == MT_QUARANTINE_HOLD) {
		a->action = MT_ACT_QUARANTINE;
		snprintf(a->text, sizeof(a->text), "DMARC quarantine of %.100s",
			dom);
		snprintf(a->why, sizeof(a->why), "hold: dmarc=fail "
			"p=quarantine (%.100s)", dom);
	} else {
		snprintf(a->why, sizeof(a->why), "accept: dmarc=fail "
			"p=quarantine (%.100s), header only", dom);
	}
}

const char *
mt_action_name(enum mt_action a)
{
	switch (a) {
	case MT_ACT_ACCEPT:
		return "accept";
	case MT_ACT_REJECT:
		return "reject";
	case MT_ACT_TEMPFAIL:
		return "tempfail";
	case MT_ACT_QUARANTINE:
		return "hold";
	}
	return "?";
}
