/* SPDX-License-Identifier: MIT */
/*
 * domain_internal.h - what the files of lib/domain share.
 *
 *   identity.c      the identity object and its setters
 *   keygen.c        keys made into the state directory
 *   state_read.c    the state file parser (strict, bounded)
 *   state_write.c   the state file writer (atomic), default location
 *   signing.c       the current signing keys, for a signer
 *   records.c       identity -> records to publish
 *   render.c        zone, nsupdate and table renderers
 *   render_r53.c    Route 53 change batch
 *   out.c           text and JSON of the check report
 *   check*.c        the audit of live DNS
 *   publish.c       records -> DNS UPDATE, through lib/dns's client
 *                   (dns/update.h, dns/tsig.h)
 *   visible.c       are the records visible yet
 *   rotate.c        the key rotation state machine
 *   selftest.c      a signed test message, verified as a receiver would
 */
#ifndef INKAN_DOMAIN_INTERNAL_H
#define INKAN_DOMAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <inkan/domain.h>

#include "core/buf.h"

/* caps on what one identity may hold (also bound the state file) */
#define IK_DOMAIN_MAX_SELECTORS 16
#define IK_DOMAIN_MAX_SPF_TERMS 8	/* includes; the same for ips */
#define IK_DOMAIN_MAX_RUA 4
#define IK_DOMAIN_MAX_HISTORY 64
#define IK_DOMAIN_NAME_MAX 253		/* RFC 1035 2.3.4, no final dot */
#define IK_DOMAIN_SELECTOR_MAX 63
#define IK_DOMAIN_TEXT_MAX 200		/* history lines, rua URIs */
#define IK_DOMAIN_PUBKEY_MAX 1024	/* base64 of an RSA-4096 SPKI: 736 */
#define IK_DOMAIN_DEFAULT_TTL 3600
#define IK_DOMAIN_DEFAULT_GRACE (7 * 86400)
#define IK_DOMAIN_STATE_FILE "identity"
#define IK_DOMAIN_STATE_MAX (256 * 1024)

struct inkan_domain {
	inkan_domain_view view;		/* first: the public view */
	inkan_ctx *ctx;			/* borrowed */
	/* every string in the view is owned here; the arrays too */
	char *domain;
	char *mail_from;
	char *mail_from_mx;
	char *includes[IK_DOMAIN_MAX_SPF_TERMS];
	char *ips[IK_DOMAIN_MAX_SPF_TERMS];
	char *rua[IK_DOMAIN_MAX_RUA];
	inkan_domain_selector sel[IK_DOMAIN_MAX_SELECTORS];
	inkan_domain_event *hist;	/* IK_DOMAIN_MAX_HISTORY slots */
};

/* Lower-case A-label form of @in without the final dot into @out
 * (IK_DOMAIN_NAME_MAX + 1 bytes). INKAN_ERR_SYNTAX if it is no name. */
inkan_status ik_domain_norm(const inkan_ctx *ctx, const char *in, char *out);
/* 1 when @sub is @parent or under it (both normalised). */
int ik_domain_is_under(const char *sub, const char *parent);
/* 1 when @s is a DKIM selector (RFC 6376 3.1: sub-domain labels). */
int ik_domain_selector_ok(const char *s);
/* 1 when @s is an ip4/ip6 network as SPF writes it, with optional /len;
 * *v6 tells which. */
int ik_domain_net_ok(const char *s, int *v6);

/* Add a selector (strings copied). INKAN_ERR_LIMIT when full,
 * INKAN_ERR_INVALID when the selector is already there. */
inkan_status ik_domain_add_selector(inkan_domain *d,
	const inkan_domain_selector *s);
/* Find a selector by name, or NULL. */
inkan_domain_selector *ik_domain_find_selector(inkan_domain *d,
	const char *name);
/* Replace a selector string field (old value freed). */
inkan_status ik_domain_set_str(inkan_domain *d, const char **field,
	const char *value);
/* Drop selector @i (its strings freed). */
void ik_domain_drop_selector(inkan_domain *d, size_t i);
/* Append a history line (the oldest goes past the cap). */
inkan_status ik_domain_event(inkan_domain *d, int64_t when,
	const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Setters used by the state reader. */
inkan_status ik_domain_set_rotation(inkan_domain *d, inkan_domain_rotation r,
	int64_t grace);

/* "rsa" / "ed25519" */
const char *ik_domain_key_type_name(inkan_key_type t);
/* "pending" "active" "retired" "revoked" */
const char *ik_domain_key_state_name(inkan_domain_key_state s);
/* "none" "generated" "switched" "revoked" */
const char *ik_domain_rotation_name(inkan_domain_rotation r);


/* Text output whose first failure sticks (out.c): write everything,
 * check o->st once at the end. */
typedef struct ik_dout {
	ik_buf b;
	inkan_status st;
} ik_dout;

void ik_dout_init(ik_dout *o, const inkan_ctx *ctx, size_t max);
void ik_dout_puts(ik_dout *o, const char *s);
void ik_dout_append(ik_dout *o, const char *s, size_t len);
void ik_dout_printf(ik_dout *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* hand the text to the caller (inkan_free) or the failure */
inkan_status ik_dout_take(ik_dout *o, char **out);

/* Append @text as quoted character-strings of at most 255 bytes
 * (RFC 1035 3.3.14, zone file form 5.1), separated by @sep. */
void ik_domain_txt_append(ik_dout *o, const char *text, size_t len,
	const char *sep);
/* The same with Route 53's escapes (\ooo octal for odd bytes). */
void ik_domain_txt_append_r53(ik_dout *o, const char *text, size_t len);

/* The key record text for selector @s: "v=DKIM1; k=...; p=..." */
void ik_domain_key_record(const inkan_domain_selector *s, ik_dout *out);

/* Parse state file text (state_read.c); @err gets "identity:LINE: ..." */
inkan_status ik_domain_state_parse(inkan_ctx *ctx, const char *text,
	size_t len, inkan_domain **out, char *err, size_t errlen);
/* Write the state file text (state_write.c) into @o. */
void ik_domain_state_format(const inkan_domain *d, ik_dout *o);

/* Path @dir "/" @name into @out; INKAN_ERR_LIMIT when too long. */
inkan_status ik_domain_path(char *out, size_t len, const char *dir,
	const char *name);
/* mkdir -p with mode 0700 for the last component (parents 0700 too when
 * they are made here). */
inkan_status ik_domain_mkdir(const char *dir);

#endif
