/* SPDX-License-Identifier: MIT */
/*
 * test_verify_util.h - helpers for the verifier's unit tests: keys made
 * once, a zone written on the fly with their records (plus SPF and DMARC
 * records of a few example domains), real signing through lib/dkim, and
 * one call that runs a message through inkan_verify.
 */
#ifndef TEST_VERIFY_UTIL_H
#define TEST_VERIFY_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/dns.h>
#include <inkan/keys.h>
#include <inkan/verify.h>

#define VT_NOW 1764000000

struct vt {
	int64_t now;
	inkan_ctx *ctx;
	inkan_resolver *res;	/* cache over a zone, attached to ctx */
	inkan_key *rsa;		/* RSA-2048, example.com "rsa" */
	inkan_key *ed;		/* Ed25519, example.com "ed" */
	inkan_key *esp;		/* RSA-1024, esp.example "s1" */
	char *zone;		/* the base zone text */
	inkan_verify *v;	/* the last run, freed by the next or teardown */
	inkan_dkim *dkim;	/* optional handle for the next run */
	/* authres_style of the runs: one resinfo per line, LF (so that
	 * tests can look for whole entries), unless a test changes it */
	unsigned style;
};

/* the message the tests sign: From example.com (or @from_domain) */
char *vt_message(const char *from_domain, const char *extra_body);

/* group set-up / tear-down: keys and the base zone */
int vt_group_setup(void **state);
int vt_group_teardown(void **state);
/* per test: a fresh resolver with the base zone plus @extra (may be NULL)
 * attached to the context, and the last run freed */
void vt_zone(struct vt *f, const char *extra);
int vt_teardown(void **state);

/* sign @msg with a key for d=@domain s=@selector (0, 1 or 2 keys) */
char *vt_sign(struct vt *f, const char *msg, const inkan_key *k1,
	const char *d1, const char *s1, const inkan_key *k2, const char *d2,
	const char *s2);

/* sign @msg with an l= covering its body as it is now (relaxed/relaxed,
 * h=from:to:subject:date) */
char *vt_sign_l(struct vt *f, const char *msg, const inkan_key *key,
	const char *domain, const char *selector);

/* a zone line for @key at sel._domainkey.@domain, TXT strings <= 255 */
char *vt_key_zone_line(const inkan_key *key, const char *sel,
	const char *domain);

/*
 * Run @msg through a new verifier (options: authserv-id mx.test, @flags,
 * f->dkim, f->style) with the envelope (@ip, @helo, @mail_from; all NULL: no
 * envelope call at all), fed in chunks of @chunk bytes (0: at once).
 * Asserts that eom worked and returns the result (valid until the next
 * run or teardown; f->v is the handle).
 */
const inkan_verify_result *vt_run(struct vt *f, const char *msg,
	const char *ip, const char *helo, const char *mail_from,
	unsigned flags, size_t chunk);

/* the note of @method number @nth (0-based), or fail the test */
const inkan_verify_note *vt_note(const inkan_verify_result *r,
	const char *method, size_t nth);

/* assert that @hay contains @needle, printing both when not */
#define VT_HAS(hay, needle) vt_has(__FILE__, __LINE__, (hay), (needle))
void vt_has(const char *file, int line, const char *hay, const char *needle);

#endif
