/* SPDX-License-Identifier: MIT */
/*
 * explain_arc.c - the ARC line of the summary (RFC 8617), and the chain
 * under it, one set a line, oldest first:
 *
 *   ARC:   pass - 2 sets ... newest sealed by fwd.example ...
 *          i=1 list.example (s=arc) cv=none: AAR spf=pass dkim=pass
 *              dmarc=pass, client 192.0.2.1; AMS pass, seal pass
 *          i=2 fwd.example ...
 *
 * Everything shown here came from the message: ik_verify_strf makes it
 * printable.
 */
#include <string.h>

#include "core/alloc.h"
#include "verify/verify_internal.h"

static const char *
or_q(const char *s)
{
	return s != NULL ? s : "?";
}

static const char *
sig_word(inkan_dkim_verdict v)
{
	return v == INKAN_DKIM_NONE ? "not checked" :
		inkan_dkim_verdict_str(v);
}

static inkan_status
draw_chain(inkan_verify *v, const inkan_arc_result *r)
{
	size_t i;
	const inkan_arc_set *s;

	if (r->nsets == 0)
		return INKAN_OK;
	v->arc_lines = ik_calloc(v->ctx, r->nsets, sizeof(*v->arc_lines));
	if (v->arc_lines == NULL)
		return INKAN_ERR_NOMEM;
	for (i = 0; i < r->nsets; i++) {
		s = &r->sets[i];
		v->arc_lines[i] = ik_verify_strf(v, "i=%u %s (s=%s) cv=%s: AAR "
			"by %s spf=%s dkim=%s dmarc=%s%s%s; AMS %s, seal %s",
			s->instance, or_q(s->domain), or_q(s->selector),
			or_q(s->cv), or_q(s->authserv_id), or_q(s->spf),
			or_q(s->dkim), or_q(s->dmarc),
			s->remote_ip ? ", client " : "",
			s->remote_ip ? s->remote_ip : "", sig_word(s->ams),
			sig_word(s->seal));
		if (v->arc_lines[i] == NULL)
			return INKAN_ERR_NOMEM;
		v->narc_lines++;
	}
	return INKAN_OK;
}

inkan_status
ik_verify_explain_arc(inkan_verify *v)
{
	const inkan_arc_result *r = v->res.arc;
	inkan_verify_note *n;
	char tmp[256];
	const inkan_arc_set *last;

	if (r == NULL)
		return INKAN_OK;
	n = ik_verify_note_add(v, "arc", inkan_arc_verdict_str(r->verdict),
		r->verdict == INKAN_ARC_FAIL);
	n->subject = r->nsets > 0 ? ik_verify_strf(v, "%u set%s",
		r->instances, r->instances == 1 ? "" : "s") : "no chain";
	switch (r->verdict) {
	case INKAN_ARC_NONE:
		n->why = "the message carries no ARC sets: it came here "
			"directly or through hops that do not seal";
		break;
	case INKAN_ARC_PASS:
		last = &r->sets[r->nsets - 1];
		n->why = ik_verify_strf(v, "%u set%s, the newest sealed by %s; "
			"every seal verifies%s", r->instances,
			r->instances == 1 ? "" : "s", or_q(last->domain),
			r->oldest_pass > 0 ? " (the message changed after "
			"the oldest sets: oldest-pass " : "");
		if (n->why != NULL && r->oldest_pass > 0)
			n->why = ik_verify_strf(v, "%s%u)", n->why,
				r->oldest_pass);
		if (v->res.arc_sealer != NULL && n->why != NULL)
			n->why = ik_verify_strf(v, "%s; %s is a trusted sealer "
				"and saw DMARC pass, so local policy accepts "
				"the DMARC failure", n->why, v->res.arc_sealer);
		break;
	case INKAN_ARC_FAIL:
		n->detail = ik_verify_strf(v, "%s",
			inkan_arc_result_explain(r, tmp, sizeof(tmp)));
		n->why = "the chain is broken, so it carries no weight "
			"(RFC 8617 5.2: treated as no chain)";
		n->fix = "the sealer named should check its ARC keys and "
			"seal only after its last change to the message";
		if (n->detail == NULL)
			return INKAN_ERR_NOMEM;
		break;
	}
	if (n->subject == NULL || n->why == NULL)
		return INKAN_ERR_NOMEM;
	return draw_chain(v, r);
}
