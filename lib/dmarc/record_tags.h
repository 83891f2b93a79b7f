/* SPDX-License-Identifier: MIT */
/* record_tags.h - the meaning of each DMARC tag (record_tags.c). */
#ifndef INKAN_DMARC_RECORD_TAGS_H
#define INKAN_DMARC_RECORD_TAGS_H

#include <stddef.h>

#include "dmarc/dmarc_internal.h"

/* Which tags were seen, for duplicates and the checks at the end. */
struct ik_dmarc_seen {
	unsigned mask;		/* 1u << tag index */
	size_t p_position;	/* 1-based position of p among the tags */
};

/* Apply one tag=value (the @position-th piece after v=DMARC1). */
inkan_status ik_dmarc_apply_tag(struct ik_dmarc_rec *r,
	struct ik_dmarc_seen *seen, const char *name, size_t nlen,
	const char *val, size_t vlen, size_t position);

/* Checks that need the whole record (p missing, fo without ruf). */
inkan_status ik_dmarc_tags_finish(struct ik_dmarc_rec *r,
	const struct ik_dmarc_seen *seen);

#endif
