/* SPDX-License-Identifier: MIT */
/*
 * mail_from.h - the custom MAIL FROM, as Amazon SES does it: for a From
 * domain configured with a MAIL FROM subdomain, the envelope sender of
 * signed mail is rewritten to an address under the subdomain, so that
 * SPF checks the subdomain and aligns with the From domain (RFC 9989
 * 3.2.4, relaxed alignment).
 *
 * The form (VERP-like; the original sender can be read back from it):
 *     ik+LOCAL=DOMAIN@SUBDOMAIN
 * where LOCAL@DOMAIN is the original envelope sender. The original is
 * the text between "ik+" and the LAST '=' of the local part, '@', then
 * what follows that '='. A null sender (bounces) is never rewritten; a
 * sender whose rewritten local part would pass 64 octets (RFC 5321
 * 4.5.3.1.1), or that is quoted, keeps its MAIL FROM.
 *
 * The subdomain must have an MX (not a null MX) and an SPF record; they
 * are checked at start-up and every mail_from_check_interval seconds.
 * While they are missing, the entry's fallback applies: keep the
 * original MAIL FROM, or tempfail (451 4.7.0) the message.
 */
#ifndef INKAN_MILTER_MAIL_FROM_H
#define INKAN_MILTER_MAIL_FROM_H

#include <stddef.h>
#include <stdio.h>

#include "state.h"

/* Rewrite @sender (no angle brackets) under @sub into @buf. 0 on
 * success, -1 when the sender is not rewritten (null, quoted, too long);
 * @why says which. */
int mt_mail_from_rewrite(const char *sender, const char *sub, char *buf,
	size_t len, const char **why);

/* Recover the original sender from a rewritten address (for bounce
 * processing and the tests). 0 on success. */
int mt_mail_from_original(const char *rewritten, char *buf, size_t len);

/* Check every mail_from entry of @st now; update st->mail_from_ok. @errs
 * (may be NULL) gets one line per broken entry. Returns the number of
 * broken entries. */
int mt_mail_from_check(struct mt_state *st, FILE *errs);

/* The entry for From domain @domain, or NULL; *index gets its index. */
const struct mt_mail_from *mt_mail_from_find(const struct mt_config *c,
	const char *domain, size_t *index);

/* The fallback that applies to entry @i. */
enum mt_mail_from_fallback mt_mail_from_fallback_of(
	const struct mt_config *c, size_t i);

#endif
