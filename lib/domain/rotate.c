/* SPDX-License-Identifier: MIT */
/*
 * rotate.c - DKIM key rotation as a state machine kept in the identity,
 * so that a run that stops (a publish not visible yet, a grace period
 * still running, a crash) is continued by the next one.
 *
 *   NONE --(new PENDING key per key type)--> GENERATED   publish, wait
 *   GENERATED --(visible: new ACTIVE, old RETIRED)--> SWITCHED
 *   SWITCHED --(grace over: old REVOKED)--> REVOKED      publish, wait
 *   REVOKED --(visible)--> NONE
 *
 * Why the order (RFC 6376 3.6.1, M3AAWG DKIM key rotation BCP): a new
 * key must be in DNS before the first message signed with it leaves; the
 * old one must stay until mail signed with it has been delivered and
 * verified (the grace period, a week by default); then an empty p= says
 * "revoked" so no one can use the old key again, and its private key
 * file is deleted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "domain/domain_internal.h"

static inkan_status
start(inkan_domain *d, const char *state_dir, int64_t now)
{
	inkan_domain_selector *s;
	size_t i, n, made = 0;
	inkan_status st;

	/* keys revoked by an earlier rotation: their records may stay in
	 * DNS; the identity forgets them */
	for (i = d->view.nselectors; i-- > 0;)
		if (d->sel[i].state == INKAN_DOMAIN_KEY_REVOKED)
			ik_domain_drop_selector(d, i);
	n = d->view.nselectors;
	for (i = 0; i < n; i++) {
		s = &d->sel[i];
		if (s->state != INKAN_DOMAIN_KEY_ACTIVE)
			continue;
		/* a rotation is also the moment to leave 1024 bits */
		st = inkan_domain_generate_key(d, state_dir, NULL, s->type,
			s->type == INKAN_KEY_RSA && s->bits < 2048 ? 2048 :
			s->bits, INKAN_DOMAIN_KEY_PENDING);
		if (st != INKAN_OK)
			return st;
		made++;
	}
	if (made == 0)
		return INKAN_ERR_STATE;
	d->view.rotation = INKAN_DOMAIN_ROT_GENERATED;
	return ik_domain_event(d, now, "rotation started: %zu new key%s, "
		"grace %lld s", made, made == 1 ? "" : "s",
		(long long)d->view.grace);
}

static inkan_status
switch_keys(inkan_domain *d, int64_t now)
{
	size_t i;

	for (i = 0; i < d->view.nselectors; i++) {
		inkan_domain_selector *s = &d->sel[i];

		if (s->state == INKAN_DOMAIN_KEY_ACTIVE) {
			s->state = INKAN_DOMAIN_KEY_RETIRED;
			s->since = now;
		} else if (s->state == INKAN_DOMAIN_KEY_PENDING) {
			s->state = INKAN_DOMAIN_KEY_ACTIVE;
			s->since = now;
		}
	}
	d->view.rotation = INKAN_DOMAIN_ROT_SWITCHED;
	return ik_domain_event(d, now, "new keys visible in DNS: signing "
		"with them; old keys retired");
}

/* the end of the grace period: the last retirement plus the grace */
static int64_t
grace_end(const inkan_domain *d)
{
	int64_t last = 0;
	size_t i;

	for (i = 0; i < d->view.nselectors; i++)
		if (d->sel[i].state == INKAN_DOMAIN_KEY_RETIRED &&
		    d->sel[i].since > last)
			last = d->sel[i].since;
	return last + d->view.grace;
}

static inkan_status
revoke(inkan_domain *d, const char *state_dir, int64_t now)
{
	char path[4096];
	size_t i;
	inkan_status st;

	for (i = 0; i < d->view.nselectors; i++) {
		inkan_domain_selector *s = &d->sel[i];

		if (s->state != INKAN_DOMAIN_KEY_RETIRED)
			continue;
		if (s->key_file != NULL) {
			if ((st = ik_domain_path(path, sizeof(path), state_dir,
			    s->key_file)) != INKAN_OK)
				return st;
			/* nobody signs with it any more: no copy is kept */
			if (unlink(path) != 0 && errno != ENOENT)
				return INKAN_ERR_IO;
			if ((st = ik_domain_set_str(d, &s->key_file, NULL)) !=
			    INKAN_OK)
				return st;
		}
		if ((st = ik_domain_set_str(d, &s->public_key, "")) != INKAN_OK)
			return st;
		s->state = INKAN_DOMAIN_KEY_REVOKED;
		s->since = now;
		if ((st = ik_domain_event(d, now, "key %s revoked (p= empty), "
		    "its private key deleted", s->selector)) != INKAN_OK)
			return st;
	}
	d->view.rotation = INKAN_DOMAIN_ROT_REVOKED;
	return INKAN_OK;
}

INKAN_API inkan_status
inkan_domain_rotate_step(inkan_domain *d, const char *state_dir,
	int published, int64_t grace, inkan_domain_rotate_need *need,
	int64_t *until)
{
	int64_t now;
	inkan_status st;

	if (d == NULL || state_dir == NULL || need == NULL || grace < 0 ||
	    grace > 366 * 86400)
		return INKAN_ERR_INVALID;
	now = inkan_ctx_now(d->ctx);
	if (until != NULL)
		*until = 0;
	switch (d->view.rotation) {
	case INKAN_DOMAIN_ROT_NONE:
		if (grace > 0)
			d->view.grace = grace;
		if ((st = start(d, state_dir, now)) != INKAN_OK)
			return st;
		*need = INKAN_DOMAIN_ROTATE_PUBLISH;
		return INKAN_OK;
	case INKAN_DOMAIN_ROT_GENERATED:
		if (!published) {
			*need = INKAN_DOMAIN_ROTATE_PUBLISH;
			return INKAN_OK;
		}
		if ((st = switch_keys(d, now)) != INKAN_OK)
			return st;
		/* FALLTHROUGH */
	case INKAN_DOMAIN_ROT_SWITCHED:
		if (until != NULL)
			*until = grace_end(d);
		if (now < grace_end(d)) {
			*need = INKAN_DOMAIN_ROTATE_WAIT;
			return INKAN_OK;
		}
		if ((st = revoke(d, state_dir, now)) != INKAN_OK)
			return st;
		*need = INKAN_DOMAIN_ROTATE_PUBLISH;
		return INKAN_OK;
	case INKAN_DOMAIN_ROT_REVOKED:
		if (!published) {
			*need = INKAN_DOMAIN_ROTATE_PUBLISH;
			return INKAN_OK;
		}
		d->view.rotation = INKAN_DOMAIN_ROT_NONE;
		*need = INKAN_DOMAIN_ROTATE_DONE;
		return ik_domain_event(d, now, "rotation done");
	}
	return INKAN_ERR_STATE;
}
