/* SPDX-License-Identifier: MIT */
/*
 * inkan/domain.h - sender-side set-up of a mail domain: the identity
 * (domain, DKIM selectors and keys, custom MAIL FROM, SPF, DMARC), the DNS
 * records it needs, renderers for them, an audit of live DNS, DNS UPDATE
 * with TSIG (RFC 2136, RFC 8945) and DKIM key rotation.
 *
 * The flow (ARCHITECTURE.md "Domain set-up"):
 *
 *   identity ─► records (a data model) ─► renderers (zone file, nsupdate,
 *   Route 53, table) ─► publisher (UPDATE + TSIG) ─► checker (live DNS ─►
 *   items with a status, findings with a severity and a fix)
 *
 * The identity lives in a state directory (mode 0700) as a line-format
 * state file ("identity") next to the private keys (mode 0600); see
 * docs/domain.md. A signer (inkan sign --state, inkan domain selftest)
 * finds the current signing keys with inkan_domain_signing_keys_get().
 *
 * Names: domains are taken as A-labels or UTF-8 (converted), case and one
 * trailing dot ignored; they are handed out lower-case, without the
 * trailing dot.
 *
 * Ownership: every object made here is freed with its own _free function
 * (NULL is a no-op); strings inside a view are borrowed from the object
 * the view came from. Text handed out "for the caller" is freed with
 * inkan_free(ctx, ...). @ctx is borrowed and must outlive every object.
 * Threading: objects belong to one thread at a time; the state file is
 * written atomically (a new file renamed over the old one), so another
 * process reading it sees the old or the new identity, never half of one.
 */
#ifndef INKAN_DOMAIN_H
#define INKAN_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/ctx.h>
#include <inkan/dmarc.h>
#include <inkan/dns.h>
#include <inkan/finding.h>
#include <inkan/keys.h>
#include <inkan/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the identity ---------------------------------------------------- */

typedef struct inkan_domain inkan_domain;

/* Where a DKIM key is in its life (rotation moves it along). */
typedef enum inkan_domain_key_state {
	INKAN_DOMAIN_KEY_PENDING = 0,	/* made, being published, not used */
	INKAN_DOMAIN_KEY_ACTIVE = 1,	/* published and signing */
	INKAN_DOMAIN_KEY_RETIRED = 2,	/* still published, no longer signing */
	INKAN_DOMAIN_KEY_REVOKED = 3	/* published with an empty p= */
} inkan_domain_key_state;

typedef struct inkan_domain_selector {
	const char *selector;
	inkan_key_type type;
	unsigned bits;			/* RSA modulus size, 256 for Ed25519 */
	/* private key file name inside the state directory (no '/'); NULL
	 * once the key was revoked and its file deleted */
	const char *key_file;
	/* the key record's p= value (base64), "" once revoked */
	const char *public_key;
	inkan_domain_key_state state;
	int64_t since;			/* when it entered @state (epoch s) */
} inkan_domain_selector;

/* A key rotation in progress: how far it got (inkan_domain_rotate_step). */
typedef enum inkan_domain_rotation {
	INKAN_DOMAIN_ROT_NONE = 0,	/* none in progress */
	INKAN_DOMAIN_ROT_GENERATED = 1,	/* new keys made (PENDING) */
	INKAN_DOMAIN_ROT_SWITCHED = 2,	/* signing with them; old RETIRED */
	INKAN_DOMAIN_ROT_REVOKED = 3	/* old keys REVOKED, being published */
} inkan_domain_rotation;

/* One line of the history the state file keeps (newest last). */
typedef struct inkan_domain_event {
	int64_t when;
	const char *what;		/* one line of English */
} inkan_domain_event;

/*
 * A read-only view of an identity, borrowed from it until the next call
 * that changes it or inkan_domain_free(). Fields may be appended.
 */
typedef struct inkan_domain_view {
	const char *domain;
	/* custom MAIL FROM: the full name ("bounce.example.com") and the
	 * host of its one MX, or NULL when none is set */
	const char *mail_from;
	const char *mail_from_mx;
	/* SPF mechanisms for the records we publish (MAIL FROM and apex):
	 * include targets, and ip4/ip6 networks as written */
	const char *const *spf_includes;
	size_t nspf_includes;
	const char *const *spf_ips;
	size_t nspf_ips;
	int spf_hard_fail;		/* 1: "-all", 0: "~all" (default) */
	inkan_dmarc_policy dmarc_policy;	/* default NONE */
	const char *const *dmarc_rua;	/* "mailto:..." URIs */
	size_t ndmarc_rua;
	uint32_t ttl;			/* TTL of our records (default 3600) */
	const inkan_domain_selector *selectors;
	size_t nselectors;
	inkan_domain_rotation rotation;
	int64_t grace;			/* seconds a retired key stays */
	const inkan_domain_event *history;
	size_t nhistory;
} inkan_domain_view;

/*
 * A new identity for @domain with the defaults above and no keys. *out is
 * owned by the caller (inkan_domain_free()). INKAN_ERR_SYNTAX: @domain is
 * not a usable domain name (it needs at least two labels).
 */
INKAN_API inkan_status inkan_domain_new(inkan_ctx *ctx, const char *domain,
	inkan_domain **out);
INKAN_API void inkan_domain_free(inkan_domain *d);
INKAN_API const inkan_domain_view *inkan_domain_get_view(
	const inkan_domain *d);

/*
 * Custom MAIL FROM: @sub is one label under the domain ("bounce") or a
 * full name ("bounce.example.com"); @mx_host the host that will receive
 * bounces for it. NULL
 * @sub removes it. INKAN_ERR_SYNTAX: not a DNS name, or not a proper
 * subdomain of the identity (Amazon SES and DMARC alignment need one).
 */
INKAN_API inkan_status inkan_domain_set_mail_from(inkan_domain *d,
	const char *sub, const char *mx_host);
/* SPF: an include target (a domain) or an ip4/ip6 network ("192.0.2.1",
 * "2001:db8::/32"). INKAN_ERR_SYNTAX when malformed, INKAN_ERR_LIMIT past
 * 8 of each (a record must stay within 10 lookups and 450 bytes). */
INKAN_API inkan_status inkan_domain_add_spf_include(inkan_domain *d,
	const char *domain);
INKAN_API inkan_status inkan_domain_add_spf_ip(inkan_domain *d,
	const char *net);
INKAN_API void inkan_domain_set_spf_hard_fail(inkan_domain *d, int hard);
/* Forget the SPF includes and ips (to replace them). */
INKAN_API void inkan_domain_clear_spf(inkan_domain *d);
/* DMARC: the policy (NONE, QUARANTINE, REJECT) and rua URIs (mailto:
 * only; at most 4). */
INKAN_API inkan_status inkan_domain_set_dmarc_policy(inkan_domain *d,
	inkan_dmarc_policy p);
INKAN_API inkan_status inkan_domain_add_dmarc_rua(inkan_domain *d,
	const char *uri);
/* Forget the rua URIs (to replace them). */
INKAN_API void inkan_domain_clear_dmarc_rua(inkan_domain *d);
/* TTL of the published records, 60 .. 86400 s. */
INKAN_API inkan_status inkan_domain_set_ttl(inkan_domain *d, uint32_t ttl);

/*
 * Make a key for the identity and write its private half into
 * @state_dir (created with mode 0700 if missing) as SELECTOR.pem, opened
 * with O_CREAT|O_EXCL and mode 0600: never readable by others, never
 * over an existing file (INKAN_ERR_IO with errno EEXIST). @selector NULL
 * picks one ("ik" + date + "r"/"e", made unique). RSA @bits 0 = 2048.
 * The key enters @state (PENDING for a rotation, ACTIVE for a set-up).
 */
INKAN_API inkan_status inkan_domain_generate_key(inkan_domain *d,
	const char *state_dir, const char *selector, inkan_key_type type,
	unsigned bits, inkan_domain_key_state state);

/* ---- the state directory ---------------------------------------------- */

/*
 * The default state directory for @domain, written to @buf:
 * $XDG_STATE_HOME/inkan/DOMAIN, else $HOME/.local/state/inkan/DOMAIN.
 * INKAN_ERR_CONFIG when neither variable is set, INKAN_ERR_LIMIT when
 * @len is too small.
 */
INKAN_API inkan_status inkan_domain_default_state_dir(const char *domain,
	char *buf, size_t len);

/*
 * Read @state_dir/identity. INKAN_ERR_NOT_FOUND when there is none,
 * INKAN_ERR_SYNTAX when it is malformed (@err, if not NULL, gets
 * "identity:LINE: message"), INKAN_ERR_LIMIT when it is too large.
 */
INKAN_API inkan_status inkan_domain_load(inkan_ctx *ctx,
	const char *state_dir, inkan_domain **out, char *err, size_t errlen);

/*
 * Write @state_dir/identity atomically (a new 0600 file, renamed over
 * the old one); the directory is created with mode 0700 if missing.
 */
INKAN_API inkan_status inkan_domain_save(const inkan_domain *d,
	const char *state_dir);

/* The current signing keys of a domain, for a signer (the milter). */
typedef struct inkan_domain_signing_key {
	const char *selector;
	const char *key_path;		/* state_dir/key_file */
	inkan_key_type type;
} inkan_domain_signing_key;

typedef struct inkan_domain_signing_keys {
	const char *domain;
	const inkan_domain_signing_key *keys;	/* ACTIVE keys only */
	size_t nkeys;
} inkan_domain_signing_keys;

/*
 * Read the identity in @state_dir and list its ACTIVE keys (RSA first).
 * *out is owned by the caller: inkan_domain_signing_keys_free(). Errors
 * as for inkan_domain_load(); INKAN_ERR_NOT_FOUND also when no key is
 * active.
 */
INKAN_API inkan_status inkan_domain_signing_keys_get(inkan_ctx *ctx,
	const char *state_dir, inkan_domain_signing_keys **out);
INKAN_API void inkan_domain_signing_keys_free(inkan_domain_signing_keys *k);

/* ---- records to publish ----------------------------------------------- */

typedef struct inkan_domain_record {
	const char *name;	/* absolute, no trailing dot */
	uint16_t type;		/* INKAN_DNS_TYPE_TXT, _MX or _CNAME */
	uint32_t ttl;
	/* TXT: the whole text, unquoted (renderers split it into strings
	 * of at most 255 bytes); MX: the exchange host; CNAME: the target */
	const char *value;
	uint16_t preference;	/* MX only */
	/* 1: other TXT records may share the name (the apex): replace only
	 * the record of our kind (v=spf1), never the whole RRset */
	int shared;
	const char *purpose;	/* "DKIM key ik20250101r (RSA-2048)" ... */
} inkan_domain_record;

typedef struct inkan_domain_records {
	const char *domain;
	const inkan_domain_record *records;
	size_t nrecords;
	const char *const *notes;	/* advice for the person publishing */
	size_t nnotes;
} inkan_domain_records;

/*
 * The records @d needs: one TXT per DKIM selector that is not retired
 * for good (a revoked key is published with p= empty), SPF and one MX at
 * the MAIL FROM name, SPF at the domain, DMARC at _dmarc. On INKAN_OK
 * *out is owned by the caller (inkan_domain_records_free()); it does not
 * borrow @d.
 */
INKAN_API inkan_status inkan_domain_records_make(const inkan_domain *d,
	inkan_domain_records **out);
INKAN_API void inkan_domain_records_free(inkan_domain_records *r);

typedef enum inkan_domain_format {
	INKAN_DOMAIN_FORMAT_ZONE = 0,		/* BIND master file lines */
	INKAN_DOMAIN_FORMAT_NSUPDATE = 1,	/* nsupdate script */
	INKAN_DOMAIN_FORMAT_ROUTE53 = 2,	/* change batch JSON */
	INKAN_DOMAIN_FORMAT_TABLE = 3		/* for a person */
} inkan_domain_format;

/*
 * Render @r. Zone and nsupdate: absolute names with a trailing dot, TXT
 * as quoted strings of at most 255 bytes; Route 53: a JSON change batch
 * of UPSERTs (TXT values quoted and split the same way); table: aligned
 * columns and the notes, with the pitfalls of web DNS editors. On
 * INKAN_OK *text (NUL-terminated) is the caller's: inkan_free(ctx, *text).
 */
INKAN_API inkan_status inkan_domain_render(inkan_ctx *ctx,
	const inkan_domain_records *r, inkan_domain_format format,
	char **text);

/*
 * Split TXT @text (@len bytes) into RFC 1035 character-strings of at
 * most 255 bytes, written as quoted zone-file strings separated by one
 * space, with '"' and '\\' escaped and bytes outside printable ASCII as
 * \DDD. On INKAN_OK *out is the caller's (inkan_free()).
 */
INKAN_API inkan_status inkan_domain_txt_quote(inkan_ctx *ctx,
	const char *text, size_t len, char **out);

/* ---- the audit (inkan domain check) ---------------------------------- */

/* The state of one item, in Amazon SES's words. */
typedef enum inkan_domain_status {
	INKAN_DOMAIN_SUCCESS = 0,	/* published and right */
	INKAN_DOMAIN_PENDING = 1,	/* not visible (yet) */
	INKAN_DOMAIN_FAILED = 2,	/* visible, but wrong */
	INKAN_DOMAIN_TEMPORARY_FAILURE = 3	/* DNS failed: ask again */
} inkan_domain_status;

/* Findings are the shared inkan_finding (inkan/finding.h). */

/* What the checker looked at. */
typedef enum inkan_domain_area {
	INKAN_DOMAIN_AREA_SPF = 0,	/* SPF of the domain itself */
	INKAN_DOMAIN_AREA_DKIM = 1,	/* one selector */
	INKAN_DOMAIN_AREA_MAIL_FROM = 2,	/* MX, SPF, alignment */
	INKAN_DOMAIN_AREA_DMARC = 3,
	INKAN_DOMAIN_AREA_IP = 4	/* one sending IP: PTR, FCrDNS, SPF */
} inkan_domain_area;

typedef struct inkan_domain_item {
	inkan_domain_area area;
	const char *name;	/* the DNS name (or IP) concerned */
	inkan_domain_status status;
	const char *detail;	/* what was found, one line, or NULL */
	const inkan_finding *findings;
	size_t nfindings;
} inkan_domain_item;

/* A Gmail sender requirement and whether the DNS shows it met. */
typedef struct inkan_domain_requirement {
	const char *text;
	int met;		/* 1 met, 0 unmet, -1 cannot be seen in DNS */
	const char *detail;	/* why, or NULL */
} inkan_domain_requirement;

typedef struct inkan_domain_report {
	const char *domain;
	const char *mail_from;		/* checked MAIL FROM name or NULL */
	const inkan_domain_item *items;
	size_t nitems;
	/* "mail From: x@D sent with MAIL FROM ... will pass DMARC via ..." */
	const char *const *summary;
	size_t nsummary;
	const inkan_domain_requirement *gmail;
	size_t ngmail;
	/* counts over every item */
	size_t errors, warnings, notes, temporary;
} inkan_domain_report;

typedef struct inkan_domain_check_options {
	/* selectors to check in addition to those of the identity */
	const char *const *selectors;
	size_t nselectors;
	/* MAIL FROM (label under the domain or full name); NULL: the
	 * identity's, or none */
	const char *mail_from;
	/* sending IPs (IPv4/IPv6 text): PTR, FCrDNS, SPF, the summary */
	const char *const *ips;
	size_t nips;
} inkan_domain_check_options;

typedef struct inkan_domain_checker inkan_domain_checker;

/*
 * Audit @domain in the DNS of @ctx's resolver (inkan_ctx_set_resolver).
 * @id (may be NULL) is the identity as set up: its selectors are
 * checked too, and the published keys and MAIL FROM are compared with
 * it. @opt may be NULL. On INKAN_OK *out is owned by the caller
 * (inkan_domain_checker_free()) and *report borrowed from it; neither
 * needs @ctx's resolver or @id after the call returns. DNS
 * failures become TEMPORARY_FAILURE items, not statuses. Errors:
 * INKAN_ERR_CONFIG (no resolver), INKAN_ERR_SYNTAX (bad domain, IP or
 * MAIL FROM), INKAN_ERR_NOMEM.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_domain_check(inkan_ctx *ctx,
	const char *domain, const inkan_domain *id,
	const inkan_domain_check_options *opt, inkan_domain_checker **out,
	const inkan_domain_report **report);
INKAN_API void inkan_domain_checker_free(inkan_domain_checker *c);

/* "SUCCESS" "PENDING" "FAILED" "TEMPORARY_FAILURE"; static */
INKAN_API const char *inkan_domain_status_name(inkan_domain_status s);
/* "note" "warning" "error"; static */
/* "SPF" "DKIM" "MAIL FROM" "DMARC" "IP"; static */
INKAN_API const char *inkan_domain_area_name(inkan_domain_area a);

/*
 * Is every record of @r visible through @ctx's resolver, with our value?
 * *missing gets how many are not (0: all are); a DNS failure counts as
 * missing. @first_missing (may be NULL) gets the index of the first.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_domain_records_visible(
	inkan_ctx *ctx, const inkan_domain_records *r, size_t *missing,
	size_t *first_missing);

/* ---- publishing: DNS UPDATE with TSIG ---------------------------------- */

/* The TSIG key (inkan_tsig_key_load()) is lib/dns's: see inkan/dns.h. */

typedef struct inkan_domain_publish_options {
	const char *server;	/* "ADDR[@PORT]" (IPv4 or IPv6), port 53 */
	const inkan_tsig_key *key;	/* required: unsigned updates refused */
	const char *zone;	/* zone to update; NULL: the domain */
	int tcp_only;		/* 1: TCP only (else UDP, TCP if truncated) */
	uint32_t timeout_ms;	/* per exchange; 0: 5000 */
	/* 1: replace an SPF record at the apex that differs from ours
	 * (default: keep it and report; merging is a person's call) */
	int replace_spf;
} inkan_domain_publish_options;

typedef struct inkan_domain_publish_result {
	size_t added;		/* RRs in the update that add ours */
	size_t unchanged;	/* records already as we want them */
	/* apex SPF kept because it differs from ours (see replace_spf) */
	const char *kept_spf;
	int rcode;		/* of the UPDATE response (0: NOERROR) */
	int tsig_error;		/* TSIG error field (16 BADSIG, 17 BADKEY,
				 * 18 BADTIME), 0 when none */
	const char *message;	/* one English line on what happened */
} inkan_domain_publish_result;

/*
 * Apply @r to the zone at @opt->server by one RFC 2136 UPDATE signed
 * with TSIG (RFC 8945); the response's TSIG is verified. Idempotent:
 * each of our RRsets is deleted and added in the same update (an
 * atomic replace), and a shared apex TXT RRset is read first and
 * guarded by a prerequisite that it is still what was read (retried
 * when it changed). *res (may be NULL) is the caller's
 * (inkan_domain_publish_result_free()), also on a refused update.
 * Statuses: INKAN_OK applied; INKAN_ERR_DNS_TEMP (server failure,
 * SERVFAIL), INKAN_ERR_TIMEOUT, INKAN_ERR_IO (network); INKAN_ERR_CONFIG
 * (refused: REFUSED, NOTAUTH, NOTZONE, a TSIG error); INKAN_ERR_CRYPTO
 * (the response's TSIG is missing or does not verify); INKAN_ERR_SYNTAX
 * (a malformed response).
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_domain_publish(inkan_ctx *ctx,
	const inkan_domain_records *r, const inkan_domain_publish_options *opt,
	inkan_domain_publish_result **res);
INKAN_API void inkan_domain_publish_result_free(
	inkan_domain_publish_result *res);

/* ---- key rotation ------------------------------------------------------ */

/*
 * What inkan_domain_rotate_step() wants next from its caller.
 */
typedef enum inkan_domain_rotate_need {
	INKAN_DOMAIN_ROTATE_DONE = 0,	/* the rotation is complete */
	/* publish inkan_domain_records_make(d) and wait until it is
	 * visible, then call again with @published = 1 */
	INKAN_DOMAIN_ROTATE_PUBLISH = 1,
	/* the old keys' grace period runs until *until; call again then */
	INKAN_DOMAIN_ROTATE_WAIT = 2
} inkan_domain_rotate_need;

/*
 * Advance a key rotation of @d by as many steps as it can; save the state
 * with inkan_domain_save() after every call, so that a re-run continues
 * where the last one stopped:
 *  NONE:      a new key for each key type in use (PENDING), made in
 *             @state_dir -> GENERATED; needs PUBLISH
 *  GENERATED: with @published (the caller saw the records in DNS): the
 *             new keys become ACTIVE (signing), the old ones RETIRED
 *             -> SWITCHED; needs WAIT until the grace period is over
 *  SWITCHED:  once it is over: the old keys REVOKED (p= empty; their
 *             private key files deleted) -> REVOKED; needs PUBLISH
 *  REVOKED:   with @published -> NONE; DONE
 * Keys revoked by an earlier rotation are forgotten when a new one
 * starts (their empty records may stay in DNS). @grace (seconds, 0:
 * keep the identity's, default 7 days) is recorded when a rotation
 * starts. *until (may be NULL) gets the end of the grace period.
 * INKAN_ERR_STATE: there is no ACTIVE key to rotate.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_domain_rotate_step(
	inkan_domain *d, const char *state_dir, int published, int64_t grace,
	inkan_domain_rotate_need *need, int64_t *until);

/* ---- self-test: what a receiver would show ---------------------------- */

/*
 * Amazon SES's "send test email", without sending anything: a test
 * message From selftest@DOMAIN is made, signed with the ACTIVE keys of
 * the state directory (as inkan_domain_signing_keys_get() lists them),
 * given the envelope MAIL FROM bounce@MAILFROM (the custom MAIL FROM, or
 * the domain itself when none is set up) and a sending IP, and verified
 * as a receiver would (inkan/verify.h) through the context's resolver:
 * live DNS, or zone files of the records before they are published.
 */
typedef struct inkan_domain_selftest inkan_domain_selftest;

typedef struct inkan_domain_selftest_options {
	/* the IP the message comes from; NULL: the address of the first
	 * ip4/ip6 entry of the identity's SPF list */
	const char *client_ip;
	/* authserv-id of the Authentication-Results ("selftest.invalid"
	 * when NULL) */
	const char *authserv_id;
} inkan_domain_selftest_options;

/* Borrowed from the selftest handle until inkan_domain_selftest_free(). */
typedef struct inkan_domain_selftest_result {
	/* 1: SPF, every DKIM signature and DMARC pass. DMARC alone needs
	 * only one aligned pass; a set-up resting on one breaks when a
	 * forwarder or a key rotation touches it, so both are required. */
	int passed;
	/* 1: a DNS failure left a result at temperror: ask again later */
	int temporary;
	inkan_verify_outcome outcome;	/* the receiver's verdict */
	const char *from;		/* "selftest@example.com" */
	const char *mail_from;		/* "bounce@bounce.example.com" */
	const char *client_ip;
	/* the lines of Gmail's "Show original", without the method name:
	 * "PASS with IP 192.0.2.10", "'PASS' with domain example.com
	 * (selector s1)" (one per signature), "'PASS'" */
	const char *spf;
	const char *const *dkim;
	size_t ndkim;
	const char *dmarc;
	/* "Authentication-Results: ...", as the receiver would add it */
	const char *authres;
	/* one note per method: result, why, and the fix when not a pass */
	const inkan_verify_note *notes;
	size_t nnotes;
	/* remarks on the set-up itself (no custom MAIL FROM ...) */
	const char *const *advice;
	size_t nadvice;
	/* the signed test message (CRLF), as it would have been sent */
	const char *message;
} inkan_domain_selftest_result;

/*
 * Run the self-test for the identity in @state_dir. @opt may be NULL.
 * On INKAN_OK *out is owned by the caller (inkan_domain_selftest_free(),
 * before the context's resolver is freed: it keeps the receiver's
 * answers) and *res borrowed from it; a test that does not pass is still
 * INKAN_OK (read res->passed). Statuses: INKAN_ERR_CONFIG (no resolver on
 * @ctx), INKAN_ERR_INVALID (no client IP given and the identity lists
 * none), the errors of inkan_domain_load() and
 * inkan_domain_signing_keys_get() (INKAN_ERR_NOT_FOUND: no identity, or
 * no ACTIVE key), of inkan_key_load_file(), INKAN_ERR_NOMEM.
 */
INKAN_API INKAN_MUST_CHECK inkan_status inkan_domain_selftest_run(
	inkan_ctx *ctx, const char *state_dir,
	const inkan_domain_selftest_options *opt, inkan_domain_selftest **out,
	const inkan_domain_selftest_result **res);
INKAN_API void inkan_domain_selftest_free(inkan_domain_selftest *t);

#ifdef __cplusplus
}
#endif
#endif
