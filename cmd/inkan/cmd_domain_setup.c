/* SPDX-License-Identifier: MIT */
/*
 * cmd_domain_setup.c - `inkan domain setup DOMAIN [options]`: make the
 * DKIM keys, record the identity in the state directory and print the
 * records to publish (zone, nsupdate, Route 53 or a table).
 *
 * Re-running it is safe: the identity is read back, the options given
 * change it (a new DMARC policy stage, other SPF includes), and keys are
 * only made for a key type that has none yet. An RSA key is always kept:
 * Gmail does not verify Ed25519 signatures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <inkan/dns.h>
#include <inkan/domain.h>
#include <inkan/json.h>

#include "cli.h"
#include "cmd_domain.h"
#include "commands.h"

struct setup_opts {
	const char *state;
	const char *selectors[2];
	size_t nselectors;
	int want_rsa, want_ed;
	unsigned long bits;
	const char *mail_from, *mail_from_mx;
	int no_mail_from;
	struct cli_strv includes, ips, rua;	/* as given, any number */
	int hard_fail;			/* -1 not given */
	int policy;			/* -1 not given */
	unsigned long ttl;
	inkan_domain_format format;
};

enum { O_SELECTOR = 's', O_KEY_TYPE = 'k', O_BITS = 'b', O_MAIL_FROM = 'm',
	O_MAIL_FROM_MX = 'x', O_NO_MAIL_FROM = 'N', O_SPF_INCLUDE = 'i',
	O_SPF_IP = 'I', O_SPF_FAIL = 'F', O_SPF_SOFTFAIL = 'S',
	O_DMARC_POLICY = 'p', O_RUA = 'r', O_TTL = 't', O_STATE = 'd',
	O_FORMAT = 'f' };

static const struct cli_opt setup_opts_table[] = {
	{ "selector", 0, O_SELECTOR, CLI_ARG_STRING, "S", 0, 0,
	  "selector of the RSA key, then of the Ed25519 key (at most two)" },
	{ "key-type", 0, O_KEY_TYPE, CLI_ARG_STRING, "rsa|ed25519|both", 0, 0,
	  "keys to make (RSA always: Gmail ignores Ed25519)" },
	{ "bits", 0, O_BITS, CLI_ARG_UINT, "N", 1024, 4096,
	  "RSA key size (RFC 8301 3.2; default 2048)" },
	{ "mail-from", 0, O_MAIL_FROM, CLI_ARG_STRING, "SUB", 0, 0,
	  "custom MAIL FROM subdomain (default bounce)" },
	{ "mail-from-mx", 0, O_MAIL_FROM_MX, CLI_ARG_STRING, "HOST", 0, 0,
	  "the host that takes bounces for it" },
	{ "no-mail-from", 0, O_NO_MAIL_FROM, CLI_ARG_NONE, NULL, 0, 0,
	  "no custom MAIL FROM" },
	{ "spf-include", 0, O_SPF_INCLUDE, CLI_ARG_STRING, "D", 0, 0,
	  "include: in the SPF record (repeatable)" },
	{ "spf-ip", 0, O_SPF_IP, CLI_ARG_STRING, "NET", 0, 0,
	  "ip4:/ip6: in the SPF record (repeatable)" },
	{ "spf-fail", 0, O_SPF_FAIL, CLI_ARG_NONE, NULL, 0, 0,
	  "end SPF with -all" },
	{ "spf-softfail", 0, O_SPF_SOFTFAIL, CLI_ARG_NONE, NULL, 0, 0,
	  "end SPF with ~all" },
	{ "dmarc-policy", 0, O_DMARC_POLICY, CLI_ARG_STRING,
	  "none|quarantine|reject", 0, 0, "the DMARC p=" },
	{ "rua", 0, O_RUA, CLI_ARG_STRING, "mailto:...", 0, 0,
	  "where aggregate reports go (repeatable)" },
	{ "ttl", 0, O_TTL, CLI_ARG_UINT, "S", 60, 86400,
	  "TTL of the records" },
	{ "state", 0, O_STATE, CLI_ARG_STRING, "DIR", 0, 0,
	  "the state directory" },
	{ "format", 0, O_FORMAT, CLI_ARG_STRING, "zone|nsupdate|route53|table",
	  0, 0, "how to print the records (default table)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_domain_setup(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_domain_setup_command = {
	"setup", "make the DKIM keys, record the identity and print the "
	"records to publish",
	"inkan domain setup DOMAIN [--mail-from SUB --mail-from-mx HOST] "
	"[--selector S ...]\n"
	"                   [--key-type rsa|ed25519|both] [--bits N] "
	"[--spf-include D ...] [--spf-ip NET ...]\n"
	"                   [--spf-fail] [--dmarc-policy "
	"none|quarantine|reject] [--rua mailto:...]\n"
	"                   [--ttl S] [--state DIR] [--format "
	"zone|nsupdate|route53|table]", setup_opts_table,
	"Exit status: 0 done, 4 bad state or key file, 5 internal.",
	cmd_domain_setup, NULL
};

static int
take(struct cli *cli, struct setup_opts *o, const struct cli_args *a, int id)
{
	static const char *const formats[] = {
		"zone", "nsupdate", "route53", "table"
	};
	char *v = (char *)a->val;
	int i;

	switch (id) {
	case O_SELECTOR:
		if (o->nselectors == 2)
			return cli_usage_error(cli, "bad-value", "at most two "
				"--selector (RSA, then Ed25519)");
		o->selectors[o->nselectors++] = v;
		break;
	case O_KEY_TYPE:
		if (strcmp(v, "rsa") == 0)
			o->want_rsa = 1;
		else if (strcmp(v, "ed25519") == 0 || strcmp(v, "both") == 0)
			o->want_rsa = o->want_ed = 1;
		else
			return cli_usage_error(cli, "bad-value", "--key-type "
				"is rsa, ed25519 or both, not '%s'", v);
		break;
	case O_BITS: o->bits = (unsigned long)a->num; break;
	case O_TTL: o->ttl = (unsigned long)a->num; break;
	case O_MAIL_FROM: o->mail_from = v; break;
	case O_MAIL_FROM_MX: o->mail_from_mx = v; break;
	case O_NO_MAIL_FROM: o->no_mail_from = 1; break;
	case O_SPF_FAIL: o->hard_fail = 1; break;
	case O_SPF_SOFTFAIL: o->hard_fail = 0; break;
	case O_STATE: o->state = v; break;
	case O_SPF_INCLUDE:
	case O_SPF_IP:
	case O_RUA:
		if (cli_strv_push(id == O_RUA ? &o->rua : id == O_SPF_IP ?
		    &o->ips : &o->includes, v) != 0) {
			cli_error(cli, "out of memory");
			return CLI_INTERNAL;
		}
		break;
	case O_DMARC_POLICY:
		if (strcmp(v, "none") == 0)
			o->policy = INKAN_DMARC_POLICY_NONE;
		else if (strcmp(v, "quarantine") == 0)
			o->policy = INKAN_DMARC_POLICY_QUARANTINE;
		else if (strcmp(v, "reject") == 0)
			o->policy = INKAN_DMARC_POLICY_REJECT;
		else
			return cli_usage_error(cli, "bad-value", "--dmarc-policy "
				"is none, quarantine or reject, not '%s'", v);
		break;
	case O_FORMAT:
		for (i = 0; i < 4; i++)
			if (strcmp(v, formats[i]) == 0)
				break;
		if (i == 4)
			return cli_usage_error(cli, "bad-value", "--format is "
				"zone, nsupdate, route53 or table, not '%s'", v);
		o->format = (inkan_domain_format)i;
		break;
	}
	return CLI_OK;
}

/* The options into @o and the DOMAIN into *domain; an exit code. */
static int
parse(struct cli *cli, int argc, char **argv, struct setup_opts *o,
	const char **domain)
{
	struct cli_args a;
	int id = 0, rc = CLI_OK;

	memset(o, 0, sizeof(*o));
	o->hard_fail = o->policy = -1;
	o->format = INKAN_DOMAIN_FORMAT_TABLE;
	cli_args_init(&a, cli, argc, argv);
	while (rc == CLI_OK && (id = cli_opt_next(&a)) > 0)
		rc = take(cli, o, &a, id);
	if (rc != CLI_OK || id < 0) {
		rc = rc != CLI_OK ? rc : a.exit;
		cli_args_free(&a);
		return id < 0 && rc == CLI_OK ? -1 : rc;
	}
	if (a.pos.n != 1)
		rc = cli_usage_error(cli, a.pos.n ? "too-many-arguments" :
			"missing-argument", "setup takes one DOMAIN");
	else
		*domain = a.pos.v[0];
	cli_args_free(&a);
	if (rc == CLI_OK && o->no_mail_from && (o->mail_from ||
	    o->mail_from_mx))
		rc = cli_usage_error(cli, "bad-value", "--no-mail-from with "
			"--mail-from?");
	return rc;
}

/* apply the options to the identity; 0 after printing an error */
static int
apply(struct cli *cli, inkan_domain *d, const struct setup_opts *o)
{
	const inkan_domain_view *v = inkan_domain_get_view(d);
	const char *mf = o->mail_from, *mx = o->mail_from_mx;
	inkan_status st = INKAN_OK;
	size_t i;

	if (o->no_mail_from) {
		st = inkan_domain_set_mail_from(d, NULL, NULL);
	} else if (mf != NULL || mx != NULL || v->mail_from == NULL) {
		if (mf == NULL)
			mf = v->mail_from != NULL ? v->mail_from : "bounce";
		if (mx == NULL)
			mx = v->mail_from_mx;
		if (mx == NULL) {
			cli_error(cli, "--mail-from-mx HOST is needed: the one "
				"host that takes bounces for %s.%s (or "
				"--no-mail-from)", mf, v->domain);
			return 0;
		}
		st = inkan_domain_set_mail_from(d, mf, mx);
		if (st == INKAN_ERR_SYNTAX) {
			cli_error(cli, "--mail-from %s: must be a subdomain of "
				"%s, and --mail-from-mx a host name", mf,
				v->domain);
			return 0;
		}
	}
	if (st == INKAN_OK && (o->includes.n > 0 || o->ips.n > 0))
		inkan_domain_clear_spf(d);
	for (i = 0; st == INKAN_OK && i < o->includes.n; i++)
		if ((st = inkan_domain_add_spf_include(d, o->includes.v[i])) !=
		    INKAN_OK)
			cli_error(cli, "--spf-include %s: %s", o->includes.v[i],
				inkan_strerror(st));
	for (i = 0; st == INKAN_OK && i < o->ips.n; i++)
		if ((st = inkan_domain_add_spf_ip(d, o->ips.v[i])) != INKAN_OK)
			cli_error(cli, "--spf-ip %s: not an IPv4/IPv6 address "
				"or network", o->ips.v[i]);
	if (st == INKAN_OK && o->rua.n > 0)
		inkan_domain_clear_dmarc_rua(d);
	for (i = 0; st == INKAN_OK && i < o->rua.n; i++)
		if ((st = inkan_domain_add_dmarc_rua(d, o->rua.v[i])) != INKAN_OK)
			cli_error(cli, "--rua %s: a mailto: URI with one "
				"address, at most 4 of them", o->rua.v[i]);
	if (st == INKAN_OK && o->hard_fail >= 0)
		inkan_domain_set_spf_hard_fail(d, o->hard_fail);
	if (st == INKAN_OK && o->policy >= 0)
		st = inkan_domain_set_dmarc_policy(d,
			(inkan_dmarc_policy)o->policy);
	if (st == INKAN_OK && o->ttl > 0)
		st = inkan_domain_set_ttl(d, (uint32_t)o->ttl);
	return st == INKAN_OK;
}

static int
has_key(const inkan_domain_view *v, inkan_key_type t)
{
	size_t i;

	for (i = 0; i < v->nselectors; i++)
		if (v->selectors[i].type == t &&
		    (v->selectors[i].state == INKAN_DOMAIN_KEY_ACTIVE ||
		    v->selectors[i].state == INKAN_DOMAIN_KEY_PENDING))
			return 1;
	return 0;
}

static int
make_key(struct cli *cli, inkan_domain *d, const char *dir,
	const char *sel, inkan_key_type type, unsigned long bits)
{
	const inkan_domain_view *v;
	inkan_status st;

	st = inkan_domain_generate_key(d, dir, sel, type, (unsigned)bits,
		INKAN_DOMAIN_KEY_ACTIVE);
	if (st != INKAN_OK) {
		cli_error(cli, "making the %s key in %s: %s",
			type == INKAN_KEY_RSA ? "RSA" : "Ed25519", dir,
			st == INKAN_ERR_IO ? strerror(errno) :
			st == INKAN_ERR_SYNTAX ? "bad selector" :
			st == INKAN_ERR_INVALID ? "selector in use" :
			inkan_strerror(st));
		return st == INKAN_ERR_SYNTAX || st == INKAN_ERR_INVALID ?
			CLI_USAGE : cli_exit_for_status(st);
	}
	v = inkan_domain_get_view(d);
	fprintf(cli->err, "inkan domain setup: %s key %s written to %s/%s "
		"(mode 0600)\n", type == INKAN_KEY_RSA ? "RSA" : "Ed25519",
		v->selectors[v->nselectors - 1].selector, dir,
		v->selectors[v->nselectors - 1].key_file);
	return CLI_OK;
}

/* --selector names the RSA key, a second one the Ed25519 key; a key is
 * made only for a type without one (so a re-run makes none) */
static int
make_keys(struct cli *cli, inkan_domain *d, const char *dir,
	const struct setup_opts *o)
{
	const inkan_domain_view *v = inkan_domain_get_view(d);
	int rc = CLI_OK;

	if (!has_key(v, INKAN_KEY_RSA))
		rc = make_key(cli, d, dir, o->nselectors > 0 ?
			o->selectors[0] : NULL, INKAN_KEY_RSA, o->bits);
	v = inkan_domain_get_view(d);
	if (rc == CLI_OK && o->want_ed && !has_key(v, INKAN_KEY_ED25519))
		rc = make_key(cli, d, dir, o->nselectors > 1 ?
			o->selectors[1] : NULL, INKAN_KEY_ED25519, 0);
	return rc;
}

static void
setup_opts_free(struct setup_opts *o)
{
	cli_strv_free(&o->includes);
	cli_strv_free(&o->ips);
	cli_strv_free(&o->rua);
}

/* --json: the records and notes as data */
static int
records_json(struct cli *cli, const inkan_domain *d, const char *dir,
	const inkan_domain_records *recs)
{
	inkan_json *j = cli_json_new(cli);
	size_t i;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "domain", inkan_domain_get_view(d)->domain);
	inkan_json_member_cstr(j, "state", dir);
	inkan_json_key(j, "records");
	inkan_json_array_begin(j);
	for (i = 0; i < recs->nrecords; i++) {
		const inkan_domain_record *r = &recs->records[i];

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "name", r->name);
		inkan_json_member_cstr(j, "type", inkan_dns_type_name(r->type));
		inkan_json_member_int(j, "ttl", r->ttl);
		inkan_json_member_cstr(j, "value", r->value);
		if (r->type == INKAN_DNS_TYPE_MX)
			inkan_json_member_int(j, "preference", r->preference);
		inkan_json_member_bool(j, "shared", r->shared);
		inkan_json_member_cstr(j, "purpose", r->purpose);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_key(j, "notes");
	inkan_json_array_begin(j);
	for (i = 0; i < recs->nnotes; i++)
		inkan_json_cstr(j, recs->notes[i]);
	inkan_json_array_end(j);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

static int
cmd_domain_setup(struct cli *cli, int argc, char **argv)
{
	struct setup_opts o;
	char dir[DOMAIN_PATH_MAX];
	inkan_domain *d = NULL;
	inkan_domain_records *recs = NULL;
	char *text = NULL;
	const char *domain = NULL;
	inkan_status st;
	size_t i;
	int rc;

	rc = parse(cli, argc, argv, &o, &domain);
	if (rc == CLI_OK && ((rc = domain_state_dir(cli, o.state, domain, dir,
	    sizeof(dir))) != CLI_OK || (rc = domain_load(cli, dir, domain, 0,
	    &d)) != CLI_OK)) {
		setup_opts_free(&o);
		return rc;
	}
	if (rc != CLI_OK) {
		setup_opts_free(&o);
		return rc < 0 ? CLI_OK : rc;	/* -1: --help */
	}
	if (d == NULL && (st = inkan_domain_new(cli->ctx, domain, &d)) !=
	    INKAN_OK) {
		cli_fail(cli, "bad-value", "%s: not a usable domain name",
			domain);
		setup_opts_free(&o);
		return CLI_USAGE;
	}
	if (!apply(cli, d, &o)) {
		inkan_domain_free(d);
		setup_opts_free(&o);
		return CLI_USAGE;
	}
	rc = make_keys(cli, d, dir, &o);
	/* saved even after a failed key: the keys made so far are in it */
	st = inkan_domain_save(d, dir);
	if (st != INKAN_OK) {
		cli_error(cli, "saving %s/identity: %s", dir,
			st == INKAN_ERR_IO ? strerror(errno) :
			inkan_strerror(st));
		rc = rc != CLI_OK ? rc : CLI_INPUT;
	}
	if (rc == CLI_OK) {
		st = inkan_domain_records_make(d, &recs);
		if (st == INKAN_OK)
			st = inkan_domain_render(cli->ctx, recs, o.format,
				&text);
		if (st != INKAN_OK) {
			cli_error(cli, "%s", inkan_strerror(st));
			rc = CLI_INTERNAL;
		} else if (cli->json) {
			rc = records_json(cli, d, dir, recs);
		} else {
			fputs(text, cli->out);
			fprintf(cli->err, "inkan domain setup: identity saved "
				"in %s/identity\n", dir);
		}
	}
	/* the formats without room for notes get them on stderr */
	if (rc == CLI_OK && o.format == INKAN_DOMAIN_FORMAT_ROUTE53) {
		fprintf(cli->err, "note: an UPSERT replaces the whole RRset: "
			"add the other TXT values of %s. (site verifications, "
			"...) to its ResourceRecords before applying.\n",
			inkan_domain_get_view(d)->domain);
		for (i = 0; i < recs->nnotes; i++)
			fprintf(cli->err, "note: %s\n", recs->notes[i]);
	}
	inkan_free(cli->ctx, text);
	inkan_domain_records_free(recs);
	inkan_domain_free(d);
	setup_opts_free(&o);
	return rc;
}
