/* SPDX-License-Identifier: MIT */
/*
 * cmd_arc.c - `inkan arc verify|seal`: the Authenticated Received Chain
 * (RFC 8617) of a message.
 *
 *   inkan arc verify [--keys FILE] [--now EPOCH] FILE...
 *     one result per message; its first line starts with arc=pass,
 *     arc=fail or arc=none, then the reason; under it the chain, one set
 *     a line. Exit 0 when every chain passes or is absent, 1 when one
 *     fails.
 *   inkan arc seal --domain D --selector S --key K [--authserv-id ID]
 *     [--ip IP --helo H --mail-from A] [FILE]
 *     verifies the message (inkan/verify.h: SPF with --ip, DKIM, ARC,
 *     DMARC) and prints it with the new ARC set on top: AAR with that
 *     verdict, AMS, and AS with cv= from the chain validated (RSA or
 *     Ed25519, after the key). Nothing is added when the newest seal says
 *     cv=fail (RFC 8617 5.1 step 2).
 * Both take --json (one JSON line per message, the result through the
 * library's emitter).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/arc.h>
#include <inkan/dkim.h>
#include <inkan/dns.h>
#include <inkan/json.h>
#include <inkan/keys.h>
#include <inkan/verify.h>

#include "cli_msg.h"
#include "commands.h"

static int64_t
fixed_clock(void *ud)
{
	return *(int64_t *)ud;
}

enum { O_KEYS = 'k', O_NOW = 'n', O_DOMAIN = 'd', O_SELECTOR = 's',
	O_KEY = 'K', O_AUTHSERV_ID = 'a', O_IP = 'I', O_HELO = 'H',
	O_MAIL_FROM = 'M', O_USE_AUTHRES = 'U' };

/* ---- arc verify ---------------------------------------------------- */

static const struct cli_opt verify_opts[] = {
	{ "keys", 'k', O_KEYS, CLI_ARG_STRING, "FILE", 0, 0,
	  "key records from FILE (lines \"qname record\") instead of DNS" },
	{ "now", 0, O_NOW, CLI_ARG_UINT, "EPOCH", 1, 253402300799ULL,
	  "judge t= and x= at this time" },
	CLI_MSG_LIMIT_OPTS,
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int arc_verify_main(struct cli *cli, int argc, char **argv);

static const struct cli_command arc_verify_command = {
	"verify", "validate the ARC chain of messages (RFC 8617 5.2)",
	"inkan arc verify [--keys FILE] [--now EPOCH] [FILE ...]",
	verify_opts,
	"First line per message: arc=pass|fail|none and the reason; then the "
	"chain,\none set a line. Exit status: 0 every chain passes or is "
	"absent, 1 one fails.", arc_verify_main, NULL
};

static inkan_status
msg_feed(void *arg, const char *data, size_t len)
{
	return inkan_msg_feed(arg, data, len);
}

static void
print_chain(struct cli *cli, const inkan_arc_result *r)
{
	size_t i;
	const inkan_arc_set *s;

	for (i = 0; i < r->nsets; i++) {
		s = &r->sets[i];
		fprintf(cli->out, "  i=%u d=", s->instance);
		cli_text_str(cli->out, s->domain ? s->domain : "?");
		fputs(" s=", cli->out);
		cli_text_str(cli->out, s->selector ? s->selector : "?");
		fputs(" cv=", cli->out);
		cli_text_str(cli->out, s->cv ? s->cv : "?");
		fprintf(cli->out, " ams=%s seal=%s",
			s->ams == INKAN_DKIM_NONE ? "-" :
			inkan_dkim_verdict_str(s->ams),
			s->seal == INKAN_DKIM_NONE ? "-" :
			inkan_dkim_verdict_str(s->seal));
		if (s->authserv_id != NULL) {
			fputs(" aar=", cli->out);
			cli_text_str(cli->out, s->authserv_id);
		}
		if (s->dmarc != NULL) {
			fputs(" dmarc=", cli->out);
			cli_text_str(cli->out, s->dmarc);
		}
		if (s->remote_ip != NULL) {
			fputs(" remote-ip=", cli->out);
			cli_text_str(cli->out, s->remote_ip);
		}
		fputc('\n', cli->out);
	}
}

static int
verify_file(struct cli *cli, inkan_dkim *dkim, const char *path, int many)
{
	const char *name = cli_msg_name(path);
	inkan_msg *msg = NULL;
	inkan_arc_verify *v = NULL;
	const inkan_arc_result *r;
	inkan_json *j;
	char why[256];
	inkan_status st;

	st = inkan_msg_new(cli->ctx, &msg);
	if (st == INKAN_OK)
		st = inkan_arc_verify_new(dkim, msg, &v);
	if (st == INKAN_OK && (st = cli_msg_stream(cli, path, msg_feed, msg))
	    == INKAN_OK && (st = inkan_msg_finish(msg)) != INKAN_OK)
		cli_fail(cli, cli_msg_error_code(st), "%s: %s", name,
			cli_msg_error_text(cli, st));
	if (st == INKAN_OK && (st = inkan_arc_verify_eom(v)) != INKAN_OK)
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
	if (st != INKAN_OK) {
		inkan_arc_verify_free(v);
		inkan_msg_free(msg);
		return cli_exit_for_status(st);
	}
	r = inkan_arc_verify_result(v);
	if (cli->json) {
		if ((j = cli_json_new(cli)) != NULL) {
			inkan_json_object_begin(j);
			inkan_json_member_cstr(j, "file", name);
			inkan_json_key(j, "arc");
			inkan_arc_result_json(r, j);
			inkan_json_object_end(j);
			(void)cli_json_finish(cli, j);
			inkan_json_free(j);
		}
	} else {
		fprintf(cli->out, "arc=%s ", inkan_arc_verdict_str(r->verdict));
		cli_text_str(cli->out, inkan_arc_result_explain(r, why,
			sizeof(why)));
		if (many) {
			fputs(" (", cli->out);
			cli_text_str(cli->out, name);
			fputc(')', cli->out);
		}
		fputc('\n', cli->out);
		print_chain(cli, r);
	}
	st = r->verdict == INKAN_ARC_FAIL ? INKAN_ERR_CRYPTO : INKAN_OK;
	inkan_arc_verify_free(v);
	inkan_msg_free(msg);
	return st == INKAN_OK ? CLI_OK : CLI_VERDICT_FAIL;
}

/* the key source: a --keys file, else DNS (the CLI resolver) */
static int
arc_dkim(struct cli *cli, const char *keys, inkan_dkim **dkim,
	struct inkan_resolver **res)
{
	inkan_status st = inkan_dkim_new(cli->ctx, dkim);

	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return CLI_INTERNAL;
	}
	if (keys == NULL)
		return cli_dns_resolver(cli, res);
	st = inkan_dkim_load_key_file(*dkim, keys);
	if (st != INKAN_OK) {
		cli_fail(cli, "input", "--keys %s: %s", keys,
			st == INKAN_ERR_IO ? strerror(errno) :
			inkan_strerror(st));
		return st == INKAN_ERR_IO ? CLI_INPUT : cli_exit_for_status(st);
	}
	return CLI_OK;
}

static int
arc_verify_main(struct cli *cli, int argc, char **argv)
{
	struct inkan_resolver *res = NULL;
	inkan_dkim *dkim = NULL;
	const char *keys = NULL;
	struct cli_args a;
	int64_t now = 0;
	int id, rc, one;
	size_t i;

	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		if (id == O_KEYS) {
			keys = a.val;
		} else if (id == O_NOW) {
			now = (int64_t)a.num;
			inkan_ctx_set_clock(cli->ctx, fixed_clock, &now);
		} else {
			cli_msg_limit_option(cli, id, a.num);
		}
	}
	if (id < 0)
		return cli_args_end(&a);
	rc = arc_dkim(cli, keys, &dkim, &res);
	if (rc == CLI_OK && a.pos.n == 0)
		rc = verify_file(cli, dkim, NULL, 0);
	for (i = 0; rc <= CLI_VERDICT_FAIL && i < a.pos.n; i++) {
		one = verify_file(cli, dkim, a.pos.v[i], a.pos.n > 1);
		rc = one > rc ? one : rc;
	}
	cli_args_free(&a);
	inkan_dkim_free(dkim);
	cli_dns_free(cli, res);
	return rc;
}

/* ---- arc seal ------------------------------------------------------- */

static const struct cli_opt seal_opts[] = {
	{ "domain", 'd', O_DOMAIN, CLI_ARG_STRING, "DOMAIN", 0, 0,
	  "the sealer's domain (d= of AMS and AS)" },
	{ "selector", 's', O_SELECTOR, CLI_ARG_STRING, "SEL", 0, 0,
	  "the selector of the sealing key" },
	{ "key", 0, O_KEY, CLI_ARG_STRING, "FILE", 0, 0,
	  "the private key (PEM; RSA 1024-4096 or Ed25519)" },
	{ "authserv-id", 0, O_AUTHSERV_ID, CLI_ARG_STRING, "ID", 0, 0,
	  "the authserv-id of the AAR (default: the sealer's domain)" },
	{ "ip", 0, O_IP, CLI_ARG_STRING, "IP", 0, 0,
	  "the SMTP client's address (SPF; smtp.remote-ip)" },
	{ "helo", 0, O_HELO, CLI_ARG_STRING, "NAME", 0, 0,
	  "the HELO/EHLO name" },
	{ "mail-from", 0, O_MAIL_FROM, CLI_ARG_STRING, "ADDR", 0, 0,
	  "the envelope sender" },
	{ "keys", 'k', O_KEYS, CLI_ARG_STRING, "FILE", 0, 0,
	  "key records from FILE instead of DNS (DKIM and ARC keys only)" },
	{ "use-authres", 0, O_USE_AUTHRES, CLI_ARG_NONE, NULL, 0, 0,
	  "record the message's Authentication-Results of --authserv-id "
	  "(a verifier's, before a list changed it) instead of verifying" },
	{ "now", 0, O_NOW, CLI_ARG_UINT, "EPOCH", 1, 253402300799ULL,
	  "the time of the seal (t=) and of the checks" },
	CLI_MSG_LIMIT_OPTS,
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int arc_seal_main(struct cli *cli, int argc, char **argv);

static const struct cli_command arc_seal_command = {
	"seal", "verify a message and add an ARC set (RFC 8617 5.1)",
	"inkan arc seal --domain D --selector S --key K [--authserv-id ID]\n"
	"       [--ip IP --helo H --mail-from A] [FILE]\n"
	"       inkan arc seal --use-authres --authserv-id ID --domain D "
	"--selector S --key K [FILE]", seal_opts,
	"Prints the message with ARC-Seal, ARC-Message-Signature and\n"
	"ARC-Authentication-Results on top (nothing added after a cv=fail "
	"seal).\nExit status: 0 sealed, 1 nothing may be added.",
	arc_seal_main, NULL
};

struct capture {
	inkan_verify *v;
	inkan_msg *msg;
	char *data;
	size_t len, cap;
	int failed;
};

/* keep the bytes (to print them after the new set) and verify them */
static inkan_status
capture_feed(void *arg, const char *data, size_t len)
{
	struct capture *c = arg;
	char *n;

	if (c->len + len > c->cap) {
		size_t cap = (c->cap ? c->cap * 2 : 65536) + len;
		if ((n = realloc(c->data, cap)) == NULL) {
			c->failed = 1;
			return INKAN_ERR_NOMEM;
		}
		c->data = n;
		c->cap = cap;
	}
	memcpy(c->data + c->len, data, len);
	c->len += len;
	return inkan_verify_feed(c->v, data, len);
}

/* the new fields in the message's own line ends (LF files stay LF) */
static void
print_fields(FILE *to, const char *fields, int lf)
{
	for (; *fields != '\0'; fields++)
		if (!(lf && fields[0] == '\r' && fields[1] == '\n'))
			fputc(*fields, to);
}

struct seal_cli {
	inkan_arc_seal_key key;
	int use_authres;
	const char *key_file, *keys, *authserv_id;
	inkan_verify_envelope env;
	int64_t now;
};

static int
seal_json(struct cli *cli, const char *name, const inkan_verify_result *r,
	const inkan_arc_seal *s)
{
	inkan_json *j = cli_json_new(cli);
	size_t i, len;
	const char *f;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "file", name);
	inkan_json_member_bool(j, "sealed", r->arc_seal != NULL);
	inkan_json_member_int(j, "instance", inkan_arc_seal_instance(s));
	inkan_json_key(j, "fields");
	inkan_json_array_begin(j);
	for (i = 0; i < inkan_arc_seal_count(s); i++) {
		f = inkan_arc_seal_header(s, i, &len);
		inkan_json_string(j, f, len);
	}
	inkan_json_array_end(j);
	inkan_json_key(j, "arc");
	inkan_arc_result_json(r->arc, j);
	inkan_json_member_cstr(j, "authentication_results", r->authres);
	inkan_json_object_end(j);
	i = (size_t)cli_json_finish(cli, j);
	inkan_json_free(j);
	return (int)i;
}

/* 1 when the message's first line ends in a bare LF (LF text) */
static int
lf_text(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);

	return nl != NULL && (nl == data || nl[-1] != '\r');
}

static void
print_sealed(struct cli *cli, const char *name, const char *fields,
	const char *data, size_t len)
{
	if (fields == NULL)
		fprintf(cli->err, "inkan arc seal: %s: nothing added (the "
			"newest ARC-Seal says cv=fail, or 50 sets)\n", name);
	else
		print_fields(cli->raw_out, fields, lf_text(data, len));
	fwrite(data, 1, len, cli->raw_out);
}

static inkan_status
msg_capture(void *arg, const char *data, size_t len)
{
	struct capture *c = arg;
	char *n;

	if (c->len + len > c->cap) {
		size_t cap = (c->cap ? c->cap * 2 : 65536) + len;
		if ((n = realloc(c->data, cap)) == NULL)
			return INKAN_ERR_NOMEM;
		c->data = n;
		c->cap = cap;
	}
	memcpy(c->data + c->len, data, len);
	c->len += len;
	return inkan_msg_feed(c->msg, data, len);
}

/*
 * --use-authres: a list verified the message on arrival (its A-R is in
 * the message), changed it, and now seals what it recorded then (RFC 8617
 * 4.1.1: the AAR carries the ADMD's combined results).
 */
static int
seal_recorded(struct cli *cli, struct seal_cli *o, inkan_dkim *dkim,
	const char *path)
{
	const char *name = cli_msg_name(path);
	inkan_arc_verify *v = NULL;
	inkan_arc_seal *s = NULL;
	struct capture c;
	char *value = NULL, *fields = NULL;
	size_t i, len, total = 0;
	inkan_status st;
	int rc = CLI_INTERNAL;

	memset(&c, 0, sizeof(c));
	st = inkan_msg_new(cli->ctx, &c.msg);
	if (st == INKAN_OK)
		st = inkan_arc_verify_new(dkim, c.msg, &v);
	if (st == INKAN_OK)
		st = inkan_arc_seal_new(dkim, c.msg, &o->key, &s);
	if (st == INKAN_ERR_INVALID) {
		cli_error(cli, "--domain or --selector not usable, or the key "
			"is not RSA 1024-4096 or Ed25519");
		rc = CLI_USAGE;
		goto out;
	}
	if (st == INKAN_OK && (st = cli_msg_stream(cli, path, msg_capture,
	    &c)) != INKAN_OK) {
		rc = cli_exit_for_status(st);
		goto out;
	}
	if (st == INKAN_OK)
		st = inkan_msg_finish(c.msg);
	if (st == INKAN_OK)
		st = inkan_arc_verify_eom(v);
	if (st == INKAN_OK && (st = inkan_arc_authres_merge(cli->ctx, c.msg,
	    o->authserv_id, &value)) == INKAN_ERR_NOT_FOUND) {
		cli_fail(cli, "input", "%s: no Authentication-Results of %s",
			name, o->authserv_id);
		rc = CLI_INPUT;
		goto out;
	}
	if (st == INKAN_OK)
		st = inkan_arc_seal_eom(s, inkan_arc_verify_result(v), value);
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
		rc = cli_exit_for_status(st);
		goto out;
	}
	for (i = 0; i < inkan_arc_seal_count(s); i++)
		total += strlen(inkan_arc_seal_header(s, i, NULL));
	if (total > 0 && (fields = calloc(1, total + 1)) != NULL)
		for (total = 0, i = 0; i < inkan_arc_seal_count(s); i++) {
			const char *f = inkan_arc_seal_header(s, i, &len);
			memcpy(fields + total, f, len);
			total += len;
		}
	if (total > 0 && fields == NULL)
		goto out;
	rc = fields != NULL ? CLI_OK : CLI_VERDICT_FAIL;
	if (!cli->json) {
		print_sealed(cli, name, fields, c.data, c.len);
	} else {
		inkan_json *j = cli_json_new(cli);
		if (j == NULL) {
			rc = CLI_INTERNAL;
			goto out;
		}
		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "file", name);
		inkan_json_member_bool(j, "sealed", fields != NULL);
		inkan_json_member_int(j, "instance",
			inkan_arc_seal_instance(s));
		inkan_json_key(j, "fields");
		inkan_json_array_begin(j);
		for (i = 0; i < inkan_arc_seal_count(s); i++)
			inkan_json_cstr(j, inkan_arc_seal_header(s, i, NULL));
		inkan_json_array_end(j);
		inkan_json_key(j, "arc");
		inkan_arc_result_json(inkan_arc_verify_result(v), j);
		inkan_json_object_end(j);
		if (cli_json_finish(cli, j) != CLI_OK)
			rc = CLI_INTERNAL;
		inkan_json_free(j);
	}
out:
	inkan_free(cli->ctx, value);
	free(fields);
	inkan_arc_seal_free(s);
	inkan_arc_verify_free(v);
	inkan_msg_free(c.msg);
	free(c.data);
	return rc;
}

static int
seal_file(struct cli *cli, struct seal_cli *o, inkan_dkim *dkim,
	const char *path)
{
	const char *name = cli_msg_name(path);
	inkan_verify_options vo;
	const inkan_verify_result *r = NULL;
	struct capture c;
	inkan_status st;
	int rc;

	memset(&c, 0, sizeof(c));
	inkan_verify_options_init(&vo);
	vo.authserv_id = o->authserv_id ? o->authserv_id : o->key.domain;
	vo.dkim = dkim;
	vo.arc_seal = &o->key;
	st = inkan_verify_new(cli->ctx, &vo, &c.v);
	if (st == INKAN_ERR_INVALID) {
		cli_error(cli, "--domain, --selector or --authserv-id not usable, "
			"or the key is not RSA 1024-4096 or Ed25519");
		return CLI_USAGE;
	}
	if (st == INKAN_OK && (o->env.client_ip || o->env.helo ||
	    o->env.mail_from) &&
	    (st = inkan_verify_set_envelope(c.v, &o->env)) ==
	    INKAN_ERR_INVALID) {
		cli_error(cli, "--ip %s: not an IP address", o->env.client_ip);
		inkan_verify_free(c.v);
		return CLI_USAGE;
	}
	if (st == INKAN_OK)
		st = cli_msg_stream(cli, path, capture_feed, &c);
	if (st == INKAN_OK && (st = inkan_verify_eom(c.v, &r)) != INKAN_OK)
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
	if (st != INKAN_OK) {
		inkan_verify_free(c.v);
		free(c.data);
		return cli_exit_for_status(st);
	}
	rc = r->arc_seal != NULL ? CLI_OK : CLI_VERDICT_FAIL;
	if (cli->json) {
		if (seal_json(cli, name, r, inkan_verify_arc_seal(c.v)) !=
		    CLI_OK)
			rc = CLI_INTERNAL;
	} else {
		print_sealed(cli, name, r->arc_seal, c.data, c.len);
	}
	inkan_verify_free(c.v);
	free(c.data);
	return rc;
}

static void
seal_take(struct cli *cli, struct seal_cli *o, const struct cli_args *a,
	int id)
{
	switch (id) {
	case O_DOMAIN: o->key.domain = a->val; break;
	case O_SELECTOR: o->key.selector = a->val; break;
	case O_KEY: o->key_file = a->val; break;
	case O_AUTHSERV_ID: o->authserv_id = a->val; break;
	case O_IP: o->env.client_ip = a->val; break;
	case O_HELO: o->env.helo = a->val; break;
	case O_MAIL_FROM: o->env.mail_from = a->val; break;
	case O_KEYS: o->keys = a->val; break;
	case O_USE_AUTHRES: o->use_authres = 1; break;
	case O_NOW:
		o->now = (int64_t)a->num;
		inkan_ctx_set_clock(cli->ctx, fixed_clock, &o->now);
		break;
	default:
		cli_msg_limit_option(cli, id, a->num);
	}
}

static int
arc_seal_main(struct cli *cli, int argc, char **argv)
{
	struct seal_cli o;
	struct inkan_resolver *res = NULL;
	inkan_dkim *dkim = NULL;
	inkan_key *key = NULL;
	struct cli_args a;
	inkan_status st;
	int id, rc = CLI_OK;

	memset(&o, 0, sizeof(o));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0)
		seal_take(cli, &o, &a, id);
	if (id < 0)
		return cli_args_end(&a);
	if (o.key.domain == NULL || o.key.selector == NULL ||
	    o.key_file == NULL)
		rc = cli_usage_error(cli, "usage", "--domain, --selector and "
			"--key are required");
	else if (a.pos.n > 1)
		rc = cli_usage_error(cli, "usage", "one message at a time");
	if (rc == CLI_OK &&
	    (st = inkan_key_load_file(cli->ctx, o.key_file, &key)) !=
	    INKAN_OK) {
		cli_fail(cli, "input", "--key %s: %s", o.key_file,
			st == INKAN_ERR_IO ? strerror(errno) :
			inkan_strerror(st));
		rc = CLI_INPUT;
	}
	o.key.key = key;
	/* DMARC and SPF need DNS even with --keys */
	if (rc == CLI_OK && (rc = arc_dkim(cli, o.keys, &dkim, &res)) ==
	    CLI_OK && o.keys != NULL)
		rc = cli_dns_resolver(cli, &res);
	if (rc == CLI_OK && o.use_authres && o.authserv_id == NULL)
		o.authserv_id = o.key.domain;
	if (rc == CLI_OK)
		rc = o.use_authres ? seal_recorded(cli, &o, dkim, a.pos.n ?
			a.pos.v[0] : NULL) : seal_file(cli, &o, dkim, a.pos.n ?
			a.pos.v[0] : NULL);
	cli_args_free(&a);
	inkan_key_free(key);
	inkan_dkim_free(dkim);
	cli_dns_free(cli, res);
	return rc;
}

/* ---- dispatch ----------------------------------------------------- */

static const struct cli_command *const arc_subs[] = {
	&arc_verify_command,
	&arc_seal_command,
	NULL
};

const struct cli_command cmd_arc_command = {
	"arc", "validate a message's ARC chain, or seal it (RFC 8617)",
	"inkan arc verify|seal [options] [FILE ...]", NULL,
	"Keys come from DNS (--dns-zone / --dns-server) or --keys FILE. "
	"Trusted sealers\nfor DMARC are an option of `inkan verify` "
	"(--trusted-sealer).", cli_dispatch_sub, arc_subs
};
