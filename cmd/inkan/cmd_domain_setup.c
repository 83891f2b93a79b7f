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
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <inkan/domain.h>

#include "cli.h"
#include "cmd_domain.h"
#include "commands.h"

#define MAX_LIST 8

struct setup_opts {
	const char *state;
	const char *selectors[2];
	size_t nselectors;
	int want_rsa, want_ed;
	unsigned long bits;
	const char *mail_from, *mail_from_mx;
	int no_mail_from;
	const char *includes[MAX_LIST], *ips[MAX_LIST], *rua[MAX_LIST];
	size_t nincludes, nips, nrua;
	int hard_fail;			/* -1 not given */
	int policy;			/* -1 not given */
	unsigned long ttl;
	inkan_domain_format format;
};

static int
push(struct cli *cli, const char **list, size_t *n, const char *v,
	const char *opt)
{
	if (*n >= MAX_LIST) {
		cli_error(cli, "at most %d %s", MAX_LIST, opt);
		return 0;
	}
	list[(*n)++] = v;
	return 1;
}

static int
parse(struct cli *cli, int argc, char **argv, struct setup_opts *o)
{
	static const struct option opts[] = {
		{ "selector", required_argument, NULL, 's' },
		{ "key-type", required_argument, NULL, 'k' },
		{ "bits", required_argument, NULL, 'b' },
		{ "mail-from", required_argument, NULL, 'm' },
		{ "mail-from-mx", required_argument, NULL, 'x' },
		{ "no-mail-from", no_argument, NULL, 'N' },
		{ "spf-include", required_argument, NULL, 'i' },
		{ "spf-ip", required_argument, NULL, 'I' },
		{ "spf-fail", no_argument, NULL, 'F' },
		{ "spf-softfail", no_argument, NULL, 'S' },
		{ "dmarc-policy", required_argument, NULL, 'p' },
		{ "rua", required_argument, NULL, 'r' },
		{ "ttl", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = {
		"zone", "nsupdate", "route53", "table"
	};
	int c, i;

	memset(o, 0, sizeof(*o));
	o->hard_fail = o->policy = -1;
	o->format = INKAN_DOMAIN_FORMAT_TABLE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (o->nselectors == 2) {
				cli_error(cli, "at most two --selector (RSA, "
					"then Ed25519)");
				return 0;
			}
			o->selectors[o->nselectors++] = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "rsa") == 0) {
				o->want_rsa = 1;
			} else if (strcmp(optarg, "ed25519") == 0 ||
			    strcmp(optarg, "both") == 0) {
				/* RSA always: Gmail ignores Ed25519 */
				o->want_rsa = o->want_ed = 1;
			} else {
				cli_error(cli, "--key-type is rsa, ed25519 or "
					"both");
				return 0;
			}
			break;
		case 'b':
			if (!domain_parse_uint(optarg, 4096, &o->bits) ||
			    o->bits < 1024) {
				cli_error(cli, "--bits: RSA keys have 1024 to "
					"4096 bits (RFC 8301 3.2)");
				return 0;
			}
			break;
		case 'm': o->mail_from = optarg; break;
		case 'x': o->mail_from_mx = optarg; break;
		case 'N': o->no_mail_from = 1; break;
		case 'i':
			if (!push(cli, o->includes, &o->nincludes, optarg,
			    "--spf-include"))
				return 0;
			break;
		case 'I':
			if (!push(cli, o->ips, &o->nips, optarg, "--spf-ip"))
				return 0;
			break;
		case 'F': o->hard_fail = 1; break;
		case 'S': o->hard_fail = 0; break;
		case 'p':
			if (strcmp(optarg, "none") == 0)
				o->policy = INKAN_DMARC_POLICY_NONE;
			else if (strcmp(optarg, "quarantine") == 0)
				o->policy = INKAN_DMARC_POLICY_QUARANTINE;
			else if (strcmp(optarg, "reject") == 0)
				o->policy = INKAN_DMARC_POLICY_REJECT;
			else {
				cli_error(cli, "--dmarc-policy is none, "
					"quarantine or reject");
				return 0;
			}
			break;
		case 'r':
			if (!push(cli, o->rua, &o->nrua, optarg, "--rua"))
				return 0;
			break;
		case 't':
			if (!domain_parse_uint(optarg, 86400, &o->ttl) ||
			    o->ttl < 60) {
				cli_error(cli, "--ttl is 60..86400 seconds");
				return 0;
			}
			break;
		case 'd': o->state = optarg; break;
		case 'f':
			for (i = 0; i < 4; i++)
				if (strcmp(optarg, formats[i]) == 0)
					break;
			if (i == 4) {
				cli_error(cli, "--format is zone, nsupdate, "
					"route53 or table");
				return 0;
			}
			o->format = (inkan_domain_format)i;
			break;
		default:
			return 0;
		}
	}
	if (optind + 1 != argc) {
		cli_usage(cli, stderr);
		return 0;
	}
	if (o->no_mail_from && (o->mail_from || o->mail_from_mx)) {
		cli_error(cli, "--no-mail-from with --mail-from?");
		return 0;
	}
	return 1;
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
	if (st == INKAN_OK && (o->nincludes > 0 || o->nips > 0))
		inkan_domain_clear_spf(d);
	for (i = 0; st == INKAN_OK && i < o->nincludes; i++)
		if ((st = inkan_domain_add_spf_include(d, o->includes[i])) !=
		    INKAN_OK)
			cli_error(cli, "--spf-include %s: %s", o->includes[i],
				inkan_strerror(st));
	for (i = 0; st == INKAN_OK && i < o->nips; i++)
		if ((st = inkan_domain_add_spf_ip(d, o->ips[i])) != INKAN_OK)
			cli_error(cli, "--spf-ip %s: not an IPv4/IPv6 address "
				"or network", o->ips[i]);
	if (st == INKAN_OK && o->nrua > 0)
		inkan_domain_clear_dmarc_rua(d);
	for (i = 0; st == INKAN_OK && i < o->nrua; i++)
		if ((st = inkan_domain_add_dmarc_rua(d, o->rua[i])) != INKAN_OK)
			cli_error(cli, "--rua %s: a mailto: URI with one "
				"address, at most 4 of them", o->rua[i]);
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

int
cmd_domain_setup(struct cli *cli, int argc, char **argv)
{
	struct setup_opts o;
	char dir[DOMAIN_PATH_MAX];
	inkan_domain *d = NULL;
	inkan_domain_records *recs = NULL;
	char *text = NULL;
	const char *domain;
	inkan_status st;
	size_t i;
	int rc;

	if (!parse(cli, argc, argv, &o))
		return CLI_USAGE;
	domain = argv[optind];
	if ((rc = domain_state_dir(cli, o.state, domain, dir, sizeof(dir))) !=
	    CLI_OK || (rc = domain_load(cli, dir, domain, 0, &d)) != CLI_OK)
		return rc;
	if (d == NULL && (st = inkan_domain_new(cli->ctx, domain, &d)) !=
	    INKAN_OK) {
		cli_error(cli, "%s: not a usable domain name", domain);
		return CLI_USAGE;
	}
	if (!apply(cli, d, &o)) {
		inkan_domain_free(d);
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
	return rc;
}
