/* SPDX-License-Identifier: MIT */
/*
 * cmd_dmarc.c - `inkan dmarc`: what a domain's DMARC set-up means
 * (inspection), or the DMARC verdict for given authentication results
 * (evaluation, cmd_dmarc_eval.c).
 *
 * Inspection shows the discovery trace (every _dmarc name asked, in the
 * RFC's order), the organizational domain, the record that applies and
 * its tags, the policy for the domain itself, for its existing and for
 * its non-existent subdomains, and findings with their fixes (removed
 * tags, p=none, no rua, strict aspf, bad values).
 * Exit: 0 a record applies; 1 no record applies (or, with --strict, a
 * finding was made); 3 DNS failure; 2 usage; 4 bad domain or zone file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dns.h>

#include "cli.h"
#include "cmd_dmarc.h"
#include "cli_msg.h"
#include "commands.h"

static const char *
pol(inkan_dmarc_policy p)
{
	return p == INKAN_DMARC_POLICY_ABSENT ? NULL :
		inkan_dmarc_policy_name(p);
}

static const char *const step_names[] = {
	"record", "no record", "several records (discarded)",
	"DNS failure", "not asked (assumed absent)"
};

void
dmarc_print_trace(FILE *to, const inkan_dmarc_step *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(to, "  _dmarc.%-32s %s\n", s[i].domain,
			step_names[s[i].outcome]);
		if (s[i].record != NULL)
			fprintf(to, "      \"%s\"\n", s[i].record);
	}
}

void
dmarc_json_trace(inkan_json *j, const inkan_dmarc_step *s, size_t n)
{
	static const char *const codes[] = {
		"record", "none", "multiple", "tempfail", "skipped"
	};
	size_t i;

	inkan_json_key(j, "trace");
	inkan_json_array_begin(j);
	for (i = 0; i < n; i++) {
		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "domain", s[i].domain);
		inkan_json_member_cstr(j, "outcome", codes[s[i].outcome]);
		inkan_json_member_cstr(j, "record", s[i].record);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
}

static void
json_uris(inkan_json *j, const char *key, const inkan_dmarc_uri *u,
	size_t n)
{
	size_t i;

	inkan_json_key(j, key);
	inkan_json_array_begin(j);
	for (i = 0; i < n; i++)
		inkan_json_cstr(j, u[i].uri);
	inkan_json_array_end(j);
}

void
dmarc_json_record(inkan_json *j, const inkan_dmarc_record *r)
{
	char fo[12], c[2] = "";
	size_t i, n = 0;

	inkan_json_key(j, "record");
	if (r == NULL) {
		inkan_json_null(j);
		return;
	}
	if (r->fo & INKAN_DMARC_FO_0) n += (size_t)snprintf(fo + n, 3, "0:");
	if (r->fo & INKAN_DMARC_FO_1) n += (size_t)snprintf(fo + n, 3, "1:");
	if (r->fo & INKAN_DMARC_FO_D) n += (size_t)snprintf(fo + n, 3, "d:");
	if (r->fo & INKAN_DMARC_FO_S) n += (size_t)snprintf(fo + n, 3, "s:");
	fo[n ? n - 1 : 0] = '\0';
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "text", r->text);
	inkan_json_member_cstr(j, "p", pol(r->p));
	inkan_json_member_cstr(j, "sp", pol(r->sp));
	inkan_json_member_cstr(j, "np", pol(r->np));
	c[0] = r->psd;
	inkan_json_member_cstr(j, "psd", c);
	inkan_json_member_cstr(j, "t", r->testing ? "y" : "n");
	inkan_json_member_cstr(j, "adkim", r->adkim ==
		INKAN_DMARC_ALIGN_STRICT ? "s" : "r");
	inkan_json_member_cstr(j, "aspf", r->aspf ==
		INKAN_DMARC_ALIGN_STRICT ? "s" : "r");
	inkan_json_member_cstr(j, "fo", fo);
	json_uris(j, "rua", r->rua, r->nrua);
	json_uris(j, "ruf", r->ruf, r->nruf);
	if (r->pct_present)
		inkan_json_member_int(j, "pct", r->pct);
	inkan_json_key(j, "warnings");
	inkan_json_array_begin(j);
	for (i = 0; i < r->nwarnings; i++)
		inkan_json_cstr(j, r->warnings[i].text);
	inkan_json_array_end(j);
	inkan_json_object_end(j);
}

static void
print_record(FILE *to, const inkan_dmarc_record *r)
{
	size_t i;

	fprintf(to, "  p=%s sp=%s np=%s psd=%c t=%c adkim=%c aspf=%c\n",
		pol(r->p) ? pol(r->p) : "(none)",
		pol(r->sp) ? pol(r->sp) : "(p)",
		pol(r->np) ? pol(r->np) : "(sp)", r->psd,
		r->testing ? 'y' : 'n',
		r->adkim == INKAN_DMARC_ALIGN_STRICT ? 's' : 'r',
		r->aspf == INKAN_DMARC_ALIGN_STRICT ? 's' : 'r');
	for (i = 0; i < r->nrua; i++)
		fprintf(to, "  rua: %s\n", r->rua[i].uri);
	for (i = 0; i < r->nruf; i++)
		fprintf(to, "  ruf: %s\n", r->ruf[i].uri);
	if (r->spec == INKAN_DMARC_SPEC_RFC7489 && r->pct_present)
		fprintf(to, "  pct: %d\n", r->pct);
}

static const char *
shown(inkan_dmarc_policy applied, inkan_dmarc_policy published,
	char *buf, size_t len)
{
	if (applied == INKAN_DMARC_POLICY_ABSENT)
		return "(no DMARC)";
	if (applied == published)
		return inkan_dmarc_policy_name(applied);
	snprintf(buf, len, "%s (published %s, softened by t=y)",
		inkan_dmarc_policy_name(applied),
		inkan_dmarc_policy_name(published));
	return buf;
}

static void
print_inspection(const struct cli *cli, const inkan_dmarc_inspection *v)
{
	FILE *o = cli->out;
	char b1[96], b2[96], b3[96];
	size_t i;

	fprintf(o, "Domain: %s\nDiscovery: %s\n", v->domain,
		inkan_dmarc_discovery_name(v->discovery));
	dmarc_print_trace(o, v->trace, v->ntrace);
	if (v->status == INKAN_DMARC_TEMPERROR) {
		fputs("Result: DNS failure; try again later\n", o);
		return;
	}
	fprintf(o, "Organizational domain: %s\n",
		v->org_domain ? v->org_domain : "(unknown)");
	if (v->record != NULL) {
		fprintf(o, "Record: _dmarc.%s\n", v->policy_domain);
		print_record(o, v->record);
	} else {
		fputs("Record: none applies\n", o);
	}
	fprintf(o, "Policy:\n  %-26s %s\n  %-26s %s\n  %-26s %s\n",
		"the domain itself:", shown(v->policy_self, v->published_self,
		b1, sizeof(b1)), "existing subdomains:",
		v->subdomains_unknown ? "(unknown: DNS failure)" :
		shown(v->policy_subdomain, v->published_subdomain, b2,
		sizeof(b2)), "non-existent subdomains:",
		v->subdomains_unknown ? "(unknown: DNS failure)" :
		shown(v->policy_nxdomain, v->published_nxdomain, b3,
		sizeof(b3)));
	if (v->nfindings > 0)
		fputs("Findings:\n", o);
	for (i = 0; i < v->nfindings; i++)
		fprintf(o, "  - %s [%s] %s\n    fix: %s\n",
			inkan_severity_name(v->findings[i].severity),
			v->findings[i].code, v->findings[i].message,
			v->findings[i].fix);
}

static int
print_inspection_json(struct cli *cli, const inkan_dmarc_inspection *v)
{
	static const char *const status[] = {
		"none", "record", "", "tempfail", ""
	};
	inkan_json *j = cli_json_new(cli);
	size_t i;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "domain", v->domain);
	inkan_json_member_cstr(j, "status", status[v->status]);
	inkan_json_member_cstr(j, "discovery",
		inkan_dmarc_discovery_name(v->discovery));
	inkan_json_member_cstr(j, "organizational_domain", v->org_domain);
	inkan_json_member_cstr(j, "policy_domain", v->policy_domain);
	dmarc_json_trace(j, v->trace, v->ntrace);
	dmarc_json_record(j, v->record);
	inkan_json_key(j, "policy");
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "self", pol(v->policy_self));
	inkan_json_member_cstr(j, "subdomain", pol(v->policy_subdomain));
	inkan_json_member_cstr(j, "nxdomain", pol(v->policy_nxdomain));
	inkan_json_object_end(j);
	inkan_json_key(j, "published");
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "self", pol(v->published_self));
	inkan_json_member_cstr(j, "subdomain", pol(v->published_subdomain));
	inkan_json_member_cstr(j, "nxdomain", pol(v->published_nxdomain));
	inkan_json_object_end(j);
	inkan_json_key(j, "domain_exists");
	if (v->self_exists < 0)
		inkan_json_null(j);
	else
		inkan_json_bool(j, v->self_exists);
	inkan_json_member_bool(j, "subdomains_unknown", v->subdomains_unknown);
	inkan_json_key(j, "findings");
	inkan_json_array_begin(j);
	for (i = 0; i < v->nfindings; i++) {
		const inkan_finding *f = &v->findings[i];

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "severity",
			inkan_severity_name(f->severity));
		inkan_json_member_cstr(j, "code", f->code);
		inkan_json_member_cstr(j, "message", f->message);
		inkan_json_member_cstr(j, "fix", f->fix);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

static int
inspect(struct cli *cli, struct dmarc_cli *o, const char *domain)
{
	inkan_dmarc_inspector *in = NULL;
	const inkan_dmarc_inspection *v = NULL;
	inkan_status st;

	st = inkan_dmarc_inspect(cli->ctx, &o->opt, domain, &in, &v);
	if (st == INKAN_ERR_SYNTAX) {
		cli_error(cli, "%s is not a usable domain name", domain);
		return CLI_INPUT;
	}
	if (st != INKAN_OK) {
		cli_error(cli, "%s", inkan_strerror(st));
		return cli_exit_for_status(st);
	}
	if (cli->json && print_inspection_json(cli, v) != CLI_OK) {
		inkan_dmarc_inspector_free(in);
		return CLI_INTERNAL;
	}
	if (!cli->json)
		print_inspection(cli, v);
	if (v->status == INKAN_DMARC_TEMPERROR) {
		inkan_dmarc_inspector_free(in);
		return CLI_TEMPFAIL;
	}
	if (v->status != INKAN_DMARC_PASS || (o->strict && v->nfindings > 0)) {
		inkan_dmarc_inspector_free(in);
		return CLI_VERDICT_FAIL;
	}
	inkan_dmarc_inspector_free(in);
	return CLI_OK;
}

static int
parse_spf(const char *s, inkan_dmarc_spf_result *out)
{
	static const char *const names[] = { "none", "pass", "fail",
		"softfail", "neutral", "temperror", "permerror" };
	int i;

	for (i = 0; i < 7; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (inkan_dmarc_spf_result)i;
			return 1;
		}
	return 0;
}

/* RESULT:DOMAIN[:SELECTOR][:partial] */
static int
parse_dkim(struct dmarc_cli *o, char *arg)
{
	static const char *const names[] = { "none", "pass", "fail", "policy",
		"neutral", "temperror", "permerror" };
	char *res = arg, *dom, *rest;
	int i;

	if ((dom = strchr(arg, ':')) == NULL)
		return 0;
	if (o->ndkim == o->dkim_cap) {
		size_t cap = o->dkim_cap ? 2 * o->dkim_cap : 4;
		struct dmarc_cli_dkim *d = realloc(o->dkim,
			cap * sizeof(*d));

		if (d == NULL)
			return 0;
		o->dkim = d;
		o->dkim_cap = cap;
	}
	*dom++ = '\0';
	if ((rest = strchr(dom, ':')) != NULL)
		*rest++ = '\0';
	o->dkim[o->ndkim].selector = NULL;
	o->dkim[o->ndkim].partial = 0;
	while (rest != NULL) {
		char *next = strchr(rest, ':');
		if (next != NULL)
			*next++ = '\0';
		if (strcmp(rest, "partial") == 0)
			o->dkim[o->ndkim].partial = 1;
		else
			o->dkim[o->ndkim].selector = rest;
		rest = next;
	}
	for (i = 0; i < 7; i++)
		if (strcmp(res, names[i]) == 0) {
			o->dkim[o->ndkim].result = (inkan_dmarc_dkim_result)i;
			o->dkim[o->ndkim++].domain = dom;
			return 1;
		}
	return 0;
}

enum { O_RFC7489 = '7', O_PSL = 'P', O_TREE_WALK = 'W', O_STRICT = 's',
	O_FROM = 'f', O_MESSAGE = 'm', O_MAIL_FROM = 'M', O_HELO = 'H',
	O_SPF = 'S', O_DKIM = 'D', O_PARTIAL = 'L', O_AUTHSERV_ID = 'a' };

static const struct cli_opt dmarc_opts[] = {
	{ "rfc7489", 0, O_RFC7489, CLI_ARG_NONE, NULL, 0, 0,
	  "RFC 7489 rules (pct, no np/t/psd; PSL discovery unless "
	  "--tree-walk)" },
	{ "psl", 0, O_PSL, CLI_ARG_OPTIONAL, "FILE", 0, 0,
	  "find organizational domains with the Public Suffix List" },
	{ "tree-walk", 0, O_TREE_WALK, CLI_ARG_NONE, NULL, 0, 0,
	  "the RFC 9989 DNS tree walk (the default)" },
	{ "strict", 0, O_STRICT, CLI_ARG_NONE, NULL, 0, 0,
	  "inspection: exit 1 when there is any finding" },
	{ "from", 0, O_FROM, CLI_ARG_STRING, "DOMAIN", 0, 0,
	  "evaluate for this From domain" },
	{ "message", 0, O_MESSAGE, CLI_ARG_STRING, "FILE", 0, 0,
	  "evaluate for the From of this message" },
	{ "spf", 0, O_SPF, CLI_ARG_STRING, "RESULT", 0, 0,
	  "the SPF result (pass, fail, ...)" },
	{ "mail-from", 0, O_MAIL_FROM, CLI_ARG_STRING, "DOMAIN", 0, 0,
	  "the MAIL FROM domain; '' is the null sender (SPF's identity is "
	  "the HELO)" },
	{ "helo", 0, O_HELO, CLI_ARG_STRING, "NAME", 0, 0,
	  "the HELO name" },
	{ "dkim", 0, O_DKIM, CLI_ARG_STRING, "RESULT:DOMAIN[:SELECTOR]"
	  "[:partial]", 0, 0, "a DKIM result (repeatable)" },
	{ "allow-partial-body", 0, O_PARTIAL, CLI_ARG_NONE, NULL, 0, 0,
	  "let a DKIM pass with a short l= align" },
	{ "authserv-id", 0, O_AUTHSERV_ID, CLI_ARG_STRING, "ID", 0, 0,
	  "for the Authentication-Results field" },
	CLI_MAX_SIGNATURES_OPT,
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_dmarc(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_dmarc_command = {
	"dmarc", "show a domain's DMARC record, discovery and policies, or "
	"evaluate DMARC for given SPF/DKIM results",
	"inkan dmarc [options] DOMAIN\n"
	"       inkan dmarc --from DOMAIN|--message FILE [--spf RESULT "
	"--mail-from DOMAIN [--helo NAME]]\n"
	"                   [--dkim RESULT:DOMAIN[:SELECTOR][:partial]]... "
	"[options]", dmarc_opts,
	"Inspection exit status: 0 a record applies, 1 none applies (or "
	"findings with --strict),\n3 DNS failure. Evaluation: 0 pass, 1 "
	"fail/none/permerror, 3 temperror.", cmd_dmarc, NULL
};

static int
dmarc_take(struct cli *cli, struct dmarc_cli *o, const struct cli_args *a,
	int id)
{
	switch (id) {
	case O_RFC7489: o->opt.spec = INKAN_DMARC_SPEC_RFC7489; break;
	case O_PSL: o->want_psl = 1; o->psl_file = a->val; break;
	case O_TREE_WALK: o->want_walk = 1; break;
	case O_STRICT: o->strict = 1; break;
	case O_FROM: o->from = a->val; break;
	case O_MESSAGE: o->message = a->val; break;
	case O_MAIL_FROM: o->mail_from = a->val; break;
	case O_HELO: o->helo = a->val; break;
	case O_PARTIAL: o->opt.allow_partial_body = 1; break;
	case O_AUTHSERV_ID: o->authserv_id = a->val; break;
	case O_SPF:
		if (!parse_spf(a->val, &o->spf))
			return cli_usage_error(cli, "bad-value", "--spf: none, "
				"pass, fail, softfail, neutral, temperror or "
				"permerror, not '%s'", a->val);
		o->spf_given = 1;
		break;
	case O_DKIM:
		if (!parse_dkim(o, (char *)a->val))
			return cli_usage_error(cli, "bad-value", "--dkim wants "
				"RESULT:DOMAIN[:SELECTOR][:partial]");
		break;
	default:
		cli_msg_limit_option(cli, id, a->num);
	}
	return CLI_OK;
}

static int
cmd_dmarc(struct cli *cli, int argc, char **argv)
{
	struct dmarc_cli o;
	inkan_dmarc_psl *psl = NULL;
	inkan_resolver *r = NULL;
	struct cli_args a;
	int id = 0, rc = CLI_OK;
	inkan_status st;
	const char *domain = NULL;

	memset(&o, 0, sizeof(o));
	inkan_dmarc_options_init(&o.opt);
	o.authserv_id = "inkan.localhost";
	cli_args_init(&a, cli, argc, argv);
	while (rc == CLI_OK && (id = cli_opt_next(&a)) > 0)
		rc = dmarc_take(cli, &o, &a, id);
	if (rc == CLI_OK && id < 0)
		rc = a.exit;
	if (rc != CLI_OK || id < 0)
		goto out;
	rc = CLI_USAGE;
	if (o.want_psl && o.want_walk) {
		cli_usage_error(cli, "bad-value", "--psl and --tree-walk "
			"exclude each other");
		goto out;
	}
	/* RFC 7489 found the organizational domain with the PSL */
	if (o.want_psl || (o.opt.spec == INKAN_DMARC_SPEC_RFC7489 &&
	    !o.want_walk))
		o.opt.discovery = INKAN_DMARC_DISCOVERY_PSL;
	if (o.from == NULL && o.message == NULL && a.pos.n != 1) {
		cli_usage_error(cli, a.pos.n ? "too-many-arguments" :
			"missing-argument", "inspection takes one DOMAIN");
		goto out;
	}
	if ((o.from != NULL || o.message != NULL) && a.pos.n != 0) {
		cli_usage_error(cli, "too-many-arguments", "--from/--message "
			"take no DOMAIN ('%s')", a.pos.v[0]);
		goto out;
	}
	domain = a.pos.n ? a.pos.v[0] : NULL;
	if (o.opt.discovery == INKAN_DMARC_DISCOVERY_PSL) {
		st = inkan_dmarc_psl_load(cli->ctx, o.psl_file, &psl);
		if (st != INKAN_OK) {
			cli_error(cli, "cannot load the Public Suffix List%s%s",
				o.psl_file ? " " : "", o.psl_file ?
				o.psl_file : "");
			rc = CLI_INPUT;
			goto out;
		}
		o.opt.psl = psl;
	}
	if ((rc = cli_dns_resolver(cli, &r)) == CLI_OK) {
		if (o.from != NULL || o.message != NULL)
			rc = dmarc_evaluate(cli, &o);
		else
			rc = inspect(cli, &o, domain);
	}
	cli_dns_free(cli, r);
	inkan_dmarc_psl_free(psl);
out:
	cli_args_free(&a);
	free(o.dkim);
	return rc;
}
