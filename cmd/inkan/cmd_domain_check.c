/* SPDX-License-Identifier: MIT */
/*
 * cmd_domain_check.c - `inkan domain check DOMAIN`: audit the live DNS of
 * a sending domain (inkan_domain_check) and print each item with its
 * status in Amazon SES's words, each finding with its severity and fix,
 * the DMARC verdict sentence and Gmail's sender requirements; or --json.
 *
 * The identity in the state directory, when there is one, adds its
 * selectors, MAIL FROM and keys (the published keys are compared with
 * them). DNS comes from the global --dns-server / --dns-zone.
 *
 * Exit status (the numbering): 0 all good (notes at most), 1
 * warnings, 2 errors, 3 temporary DNS failures. Note that 2 is also the
 * CLI's usage-error code (cli.h): a usage error prints the usage first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/domain.h>
#include <inkan/json.h>

#include "cli.h"
#include "cmd_domain.h"
#include "cli_opt.h"
#include "commands.h"

#define WRAP 78

/* print @text wrapped at WRAP columns; @indent spaces on later lines */
static void
wrapped(FILE *o, const char *text, size_t col, size_t indent)
{
	const char *p = text;
	int first = 1;

	while (*p != '\0') {
		size_t word = strcspn(p, " ");

		if (col > indent && col + !first + word > WRAP) {
			fprintf(o, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', o);
			col++;
		}
		first = 0;
		fwrite(p, 1, word, o);
		col += word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', o);
}

static void
print_text(const struct cli *cli, const inkan_domain_report *r)
{
	FILE *o = cli->out;
	size_t i, j;

	fprintf(o, "Domain %s", r->domain);
	if (r->mail_from != NULL)
		fprintf(o, " (MAIL FROM %s)", r->mail_from);
	fputs("\n\n", o);
	for (i = 0; i < r->nitems; i++) {
		const inkan_domain_item *it = &r->items[i];

		fprintf(o, "%-10s %-46s %s\n", inkan_domain_area_name(it->area),
			it->name, inkan_domain_status_name(it->status));
		if (it->detail != NULL) {
			fprintf(o, "%11s", "");
			wrapped(o, it->detail, 11, 11);
		}
		for (j = 0; j < it->nfindings; j++) {
			const inkan_finding *f = &it->findings[j];
			char head[96];

			snprintf(head, sizeof(head), "  %-7s [%s]",
				inkan_severity_name(f->severity), f->code);
			fputs(head, o);
			fputc(' ', o);
			wrapped(o, f->message, strlen(head) + 1, 11);
			if (f->fix != NULL) {
				fprintf(o, "%11sfix:", "");
				fputc(' ', o);
				wrapped(o, f->fix, 16, 16);
			}
		}
	}
	fputs("\nSummary:\n", o);
	for (i = 0; i < r->nsummary; i++) {
		fputs("  ", o);
		wrapped(o, r->summary[i], 2, 4);
	}
	fputs("\nGmail sender requirements:\n", o);
	for (i = 0; i < r->ngmail; i++) {
		const inkan_domain_requirement *q = &r->gmail[i];

		fprintf(o, "  %-9s", q->met > 0 ? "[met]" : q->met == 0 ?
			"[UNMET]" : "[n/a]");
		wrapped(o, q->text, 11, 11);
		if (q->detail != NULL) {
			fprintf(o, "%11s(", "");
			fputs(q->detail, o);
			fputs(")\n", o);
		}
	}
	fprintf(o, "\nResult: %zu error%s, %zu warning%s, %zu note%s%s\n",
		r->errors, r->errors == 1 ? "" : "s", r->warnings,
		r->warnings == 1 ? "" : "s", r->notes, r->notes == 1 ? "" : "s",
		r->temporary ? "; some DNS lookups failed: run it again later" :
		"");
}

static int
print_json(struct cli *cli, const inkan_domain_report *r)
{
	inkan_json *j = cli_json_new(cli);
	size_t i, k;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "domain", r->domain);
	inkan_json_member_cstr(j, "mail_from", r->mail_from);
	inkan_json_key(j, "items");
	inkan_json_array_begin(j);
	for (i = 0; i < r->nitems; i++) {
		const inkan_domain_item *it = &r->items[i];

		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "area",
			inkan_domain_area_name(it->area));
		inkan_json_member_cstr(j, "name", it->name);
		inkan_json_member_cstr(j, "status",
			inkan_domain_status_name(it->status));
		inkan_json_member_cstr(j, "detail", it->detail);
		inkan_json_key(j, "findings");
		inkan_json_array_begin(j);
		for (k = 0; k < it->nfindings; k++) {
			const inkan_finding *f = &it->findings[k];

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
	}
	inkan_json_array_end(j);
	inkan_json_key(j, "summary");
	inkan_json_array_begin(j);
	for (i = 0; i < r->nsummary; i++)
		inkan_json_cstr(j, r->summary[i]);
	inkan_json_array_end(j);
	inkan_json_key(j, "gmail");
	inkan_json_array_begin(j);
	for (i = 0; i < r->ngmail; i++) {
		inkan_json_object_begin(j);
		inkan_json_member_cstr(j, "requirement", r->gmail[i].text);
		inkan_json_key(j, "met");
		if (r->gmail[i].met < 0)
			inkan_json_null(j);
		else
			inkan_json_bool(j, r->gmail[i].met > 0);
		inkan_json_member_cstr(j, "detail", r->gmail[i].detail);
		inkan_json_object_end(j);
	}
	inkan_json_array_end(j);
	inkan_json_member_int(j, "errors", (int64_t)r->errors);
	inkan_json_member_int(j, "warnings", (int64_t)r->warnings);
	inkan_json_member_int(j, "notes", (int64_t)r->notes);
	inkan_json_member_int(j, "temporary", (int64_t)r->temporary);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

enum { O_SELECTOR = 's', O_MAIL_FROM = 'm', O_IP = 'i', O_STATE = 'd',
	O_NO_STATE = 'N' };

static const struct cli_opt check_opts[] = {
	{ "selector", 0, O_SELECTOR, CLI_ARG_STRING, "S", 0, 0,
	  "check this DKIM selector (repeatable)" },
	{ "mail-from", 0, O_MAIL_FROM, CLI_ARG_STRING, "SUB", 0, 0,
	  "the custom MAIL FROM subdomain" },
	{ "ip", 0, O_IP, CLI_ARG_STRING, "IP", 0, 0,
	  "a sending IP that SPF must allow (repeatable)" },
	{ "state", 0, O_STATE, CLI_ARG_STRING, "DIR", 0, 0,
	  "the identity from `inkan domain setup` (default: the user's)" },
	{ "no-state", 0, O_NO_STATE, CLI_ARG_NONE, NULL, 0, 0,
	  "check what DNS shows without a recorded identity" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_domain_check(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_domain_check_command = {
	"check", "audit a domain's published DNS: SPF, DKIM keys, MAIL FROM, "
	"DMARC, Gmail's sender requirements",
	"inkan domain check DOMAIN [--selector S ...] [--mail-from SUB] "
	"[--ip IP ...] [--state DIR]", check_opts,
	"Exit status: 0 all good, 1 errors, 6 warnings only, 3 temporary "
	"DNS failures.", cmd_domain_check, NULL
};

/* Append @s to the growable list @l (n entries, cap). -1 on NOMEM. */
static int
push(const char ***l, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		const char **v = realloc((void *)*l, c * sizeof(*v));

		if (v == NULL)
			return -1;
		*l = v;
		*cap = c;
	}
	(*l)[(*n)++] = s;
	return 0;
}

static int
cmd_domain_check(struct cli *cli, int argc, char **argv)
{
	const char **sels = NULL, **ips = NULL, *state = NULL, *domain;
	size_t nsel_cap = 0, nip_cap = 0;
	inkan_domain_check_options co;
	inkan_domain_checker *ck = NULL;
	const inkan_domain_report *rep;
	inkan_domain *d = NULL;
	inkan_resolver *r = NULL;
	char dir[DOMAIN_PATH_MAX];
	int id, rc = CLI_OK, no_state = 0, fail = 0;
	inkan_status st;
	struct cli_args a;

	memset(&co, 0, sizeof(co));
	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0) {
		switch (id) {
		case O_SELECTOR:
			fail |= push(&sels, &co.nselectors, &nsel_cap, a.val);
			break;
		case O_IP:
			fail |= push(&ips, &co.nips, &nip_cap, a.val);
			break;
		case O_MAIL_FROM: co.mail_from = a.val; break;
		case O_STATE: state = a.val; break;
		case O_NO_STATE: no_state = 1; break;
		}
	}
	if (id < 0 || fail) {
		if (fail)
			cli_error(cli, "out of memory");
		rc = id < 0 ? a.exit : CLI_INTERNAL;
		goto out;
	}
	if (a.pos.n != 1) {
		rc = cli_usage_error(cli, a.pos.n ? "too-many-arguments" :
			"missing-argument", "check takes one DOMAIN");
		goto out;
	}
	domain = a.pos.v[0];
	co.selectors = sels;
	co.ips = ips;
	/* the state is optional here: without HOME there is just none */
	if (!no_state && state == NULL &&
	    inkan_domain_default_state_dir(domain, dir, sizeof(dir)) !=
	    INKAN_OK)
		no_state = 1;
	if (!no_state) {
		if ((rc = domain_state_dir(cli, state, domain, dir,
		    sizeof(dir))) != CLI_OK)
			goto out;
		/* an explicit --state must hold an identity */
		if ((rc = domain_load(cli, dir, domain, state != NULL, &d)) !=
		    CLI_OK)
			goto out;
	}
	if ((rc = cli_dns_resolver(cli, &r)) != CLI_OK)
		goto out;
	st = inkan_domain_check(cli->ctx, domain, d, &co, &ck, &rep);
	if (st != INKAN_OK) {
		cli_error(cli, "%s", st == INKAN_ERR_SYNTAX ? "a domain, "
			"selector, MAIL FROM or IP is not usable" :
			st == INKAN_ERR_INVALID ? "the identity in the state "
			"directory is for another domain" :
			inkan_strerror(st));
		rc = st == INKAN_ERR_NOMEM ? CLI_INTERNAL : CLI_USAGE;
	} else {
		/* one scheme for every command (docs/inkan.1): errors
		 * are a failing finding, never the usage code */
		rc = rep->temporary ? CLI_TEMPFAIL : rep->errors ?
			CLI_VERDICT_FAIL : rep->warnings ? CLI_WARNINGS : CLI_OK;
		if (cli->json && print_json(cli, rep) != CLI_OK)
			rc = CLI_INTERNAL;
		else if (!cli->json)
			print_text(cli, rep);
	}
out:
	inkan_domain_checker_free(ck);
	cli_dns_free(cli, r);
	inkan_domain_free(d);
	cli_args_free(&a);
	free((void *)sels);
	free((void *)ips);
	return rc;
}
