/* SPDX-License-Identifier: MIT */
/*
 * cmd_dns.c - `inkan dns NAME [TYPE]`: dig as inkan sees it. One question
 * through the same resolver, cache and decoding that SPF, DKIM and DMARC
 * use, shown with what they look at: rcode, outcome, AD, TTL, whether it
 * came from the cache, the CNAMEs followed and each RR (TXT: the strings of
 * one RR joined, as RFC 7208 3.3 and RFC 6376 3.6.2.2 say; --verbose shows
 * the separate strings).
 *
 * Exit: 0 data; 1 NXDOMAIN or NODATA; 3 SERVFAIL, REFUSED or timeout;
 * 2 usage; 4 a bad zone file; 5 internal.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/dns.h>
#include <inkan/json.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"

/* master-file style quoting: \" \\ and \DDD for the unprintable */
static void
print_quoted(FILE *to, const char *s, size_t len)
{
	size_t i;

	fputc('"', to);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(to, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(to, "\\%03u", c);
		else
			fputc(c, to);
	}
	fputc('"', to);
}

static const char *
type_text(uint16_t type, char *buf, size_t len)
{
	const char *n = inkan_dns_type_name(type);

	if (n != NULL)
		return n;
	snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

static void
print_rr_text(const struct cli *cli, const inkan_dns_rr *rr)
{
	char addr[INET6_ADDRSTRLEN], tbuf[16];
	const char *t = type_text(rr->type, tbuf, sizeof(tbuf));
	size_t i;

	fprintf(cli->out, "%-5s %-7u ", t, (unsigned)rr->ttl);
	switch (rr->type) {
	case INKAN_DNS_TYPE_A:
	case INKAN_DNS_TYPE_AAAA:
		inet_ntop(rr->type == INKAN_DNS_TYPE_A ? AF_INET : AF_INET6,
			rr->u.aaaa, addr, sizeof(addr));
		fprintf(cli->out, "%s\n", addr);
		break;
	case INKAN_DNS_TYPE_TXT:
	case INKAN_DNS_TYPE_SPF:
		print_quoted(cli->out, rr->u.txt.joined.data,
			rr->u.txt.joined.len);
		fputc('\n', cli->out);
		for (i = 0; cli->verbose && i < rr->u.txt.nstrings; i++) {
			fprintf(cli->out, "        string %zu (%zu bytes): ", i,
				rr->u.txt.strings[i].len);
			print_quoted(cli->out, rr->u.txt.strings[i].data,
				rr->u.txt.strings[i].len);
			fputc('\n', cli->out);
		}
		break;
	case INKAN_DNS_TYPE_MX:
		fprintf(cli->out, "%u ", (unsigned)rr->u.mx.preference);
		cli_text_str(cli->out, rr->u.mx.exchange);
		fputc('\n', cli->out);
		break;
	case INKAN_DNS_TYPE_CNAME:
	case INKAN_DNS_TYPE_NS:
	case INKAN_DNS_TYPE_PTR:
		cli_text_str(cli->out, rr->u.name);
		fputc('\n', cli->out);
		break;
	case INKAN_DNS_TYPE_SOA:
		cli_text_str(cli->out, rr->u.soa.mname);
		fputc(' ', cli->out);
		cli_text_str(cli->out, rr->u.soa.rname);
		fprintf(cli->out, " %u %u %u %u %u\n", rr->u.soa.serial, rr->u.soa.refresh,
			rr->u.soa.retry, rr->u.soa.expire, rr->u.soa.minimum);
		break;
	default:
		fprintf(cli->out, "\\# %zu ", rr->rdlen);
		for (i = 0; i < rr->rdlen; i++)
			fprintf(cli->out, "%02x", rr->rdata[i]);
		fputc('\n', cli->out);
	}
}

static void
print_text(const struct cli *cli, const inkan_dns_answer *a)
{
	char tbuf[16];
	size_t i;

	fputs("name:       ", cli->out);
	cli_text_str(cli->out, a->qname);
	fputc('\n', cli->out);
	fprintf(cli->out, "type:       %s\n",
		type_text(a->qtype, tbuf, sizeof(tbuf)));
	fprintf(cli->out, "rcode:      %s%s\n",
		inkan_dns_rcode_name(a->rcode),
		a->timed_out ? " (timed out)" : "");
	fprintf(cli->out, "outcome:    %s\n",
		inkan_dns_outcome_name(a->outcome));
	fprintf(cli->out, "ad:         %s\n", a->secure ? "yes" : "no");
	fprintf(cli->out, "ttl:        %u\n", (unsigned)a->ttl);
	fprintf(cli->out, "from-cache: %s\n", a->from_cache ? "yes" : "no");
	for (i = 0; i < a->ncnames; i++)
	{
		fputs("cname:      ", cli->out);
		cli_text_str(cli->out, a->cnames[i]);
		fputc('\n', cli->out);
	}
	if (a->nrrs > 0)
		fputc('\n', cli->out);
	for (i = 0; i < a->nrrs; i++)
		print_rr_text(cli, &a->rrs[i]);
}

static void
print_rr_json(inkan_json *j, const inkan_dns_rr *rr)
{
	char addr[INET6_ADDRSTRLEN], tbuf[16], hex[3];
	size_t i;

	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "type", type_text(rr->type, tbuf,
		sizeof(tbuf)));
	inkan_json_member_int(j, "ttl", rr->ttl);
	switch (rr->type) {
	case INKAN_DNS_TYPE_A:
	case INKAN_DNS_TYPE_AAAA:
		inet_ntop(rr->type == INKAN_DNS_TYPE_A ? AF_INET : AF_INET6,
			rr->u.aaaa, addr, sizeof(addr));
		inkan_json_member_cstr(j, "address", addr);
		break;
	case INKAN_DNS_TYPE_TXT:
	case INKAN_DNS_TYPE_SPF:
		inkan_json_key(j, "text");
		inkan_json_string(j, rr->u.txt.joined.data,
			rr->u.txt.joined.len);
		inkan_json_key(j, "strings");
		inkan_json_array_begin(j);
		for (i = 0; i < rr->u.txt.nstrings; i++)
			inkan_json_string(j, rr->u.txt.strings[i].data,
				rr->u.txt.strings[i].len);
		inkan_json_array_end(j);
		break;
	case INKAN_DNS_TYPE_MX:
		inkan_json_member_int(j, "preference", rr->u.mx.preference);
		inkan_json_member_cstr(j, "exchange", rr->u.mx.exchange);
		break;
	case INKAN_DNS_TYPE_CNAME:
	case INKAN_DNS_TYPE_NS:
	case INKAN_DNS_TYPE_PTR:
		inkan_json_member_cstr(j, "target", rr->u.name);
		break;
	case INKAN_DNS_TYPE_SOA:
		inkan_json_member_cstr(j, "mname", rr->u.soa.mname);
		inkan_json_member_cstr(j, "rname", rr->u.soa.rname);
		inkan_json_member_int(j, "serial", rr->u.soa.serial);
		inkan_json_member_int(j, "refresh", rr->u.soa.refresh);
		inkan_json_member_int(j, "retry", rr->u.soa.retry);
		inkan_json_member_int(j, "expire", rr->u.soa.expire);
		inkan_json_member_int(j, "minimum", rr->u.soa.minimum);
		break;
	default: {
		/* the RDATA in hex (RFC 3597 form without the prefix) */
		char *h = malloc(2 * rr->rdlen + 1);

		for (i = 0; h != NULL && i < rr->rdlen; i++) {
			snprintf(hex, sizeof(hex), "%02x", rr->rdata[i]);
			memcpy(h + 2 * i, hex, 2);
		}
		if (h != NULL)
			h[2 * rr->rdlen] = '\0';
		inkan_json_member_cstr(j, "rdata", h);
		free(h);
	}
	}
	inkan_json_object_end(j);
}

static int
print_json(struct cli *cli, const inkan_dns_answer *a)
{
	char tbuf[16];
	inkan_json *j = cli_json_new(cli);
	size_t i;
	int rc;

	if (j == NULL)
		return CLI_INTERNAL;
	inkan_json_object_begin(j);
	inkan_json_member_cstr(j, "name", a->qname);
	inkan_json_member_cstr(j, "type", type_text(a->qtype, tbuf,
		sizeof(tbuf)));
	inkan_json_member_cstr(j, "rcode", inkan_dns_rcode_name(a->rcode));
	inkan_json_member_cstr(j, "outcome",
		inkan_dns_outcome_name(a->outcome));
	inkan_json_member_bool(j, "timed_out", a->timed_out);
	inkan_json_member_bool(j, "ad", a->secure);
	inkan_json_member_int(j, "ttl", a->ttl);
	inkan_json_member_bool(j, "from_cache", a->from_cache);
	inkan_json_key(j, "cnames");
	inkan_json_array_begin(j);
	for (i = 0; i < a->ncnames; i++)
		inkan_json_cstr(j, a->cnames[i]);
	inkan_json_array_end(j);
	inkan_json_key(j, "records");
	inkan_json_array_begin(j);
	for (i = 0; i < a->nrrs; i++)
		print_rr_json(j, &a->rrs[i]);
	inkan_json_array_end(j);
	inkan_json_object_end(j);
	rc = cli_json_finish(cli, j);
	inkan_json_free(j);
	return rc;
}

/* NAME [TYPE] or TYPE NAME: the one that is a type name is the type */
static int
name_and_type(int n, char **args, const char **name, uint16_t *type)
{
	*type = INKAN_DNS_TYPE_TXT;
	*name = args[0];
	if (n == 1)
		return 0;
	if (inkan_dns_type_from_name(args[1]) != 0) {
		*type = inkan_dns_type_from_name(args[1]);
		return 0;
	}
	if (inkan_dns_type_from_name(args[0]) != 0) {
		*type = inkan_dns_type_from_name(args[0]);
		*name = args[1];
		return 0;
	}
	return -1;
}

enum { O_TIMEOUT = 't' };

static const struct cli_opt dns_opts[] = {
	{ "timeout", 't', O_TIMEOUT, CLI_ARG_UINT, "MS", 1, 3600000,
	  "per-query timeout in milliseconds (default 5000)" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_dns(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_dns_command = {
	"dns", "ask one DNS question the way inkan's checks do (dig as inkan "
	"sees it)", "inkan dns [--timeout MS] NAME [TYPE]  (or TYPE NAME; TYPE "
	"defaults to TXT)", dns_opts,
	"Exit status: 0 data, 1 NXDOMAIN or NODATA, 3 SERVFAIL, REFUSED or "
	"timeout.", cmd_dns, NULL
};

static int
cmd_dns(struct cli *cli, int argc, char **argv)
{
	inkan_resolver *r = NULL;
	inkan_dns_query *q = NULL;
	const inkan_dns_answer *a;
	const char *name;
	uint16_t type;
	inkan_status st;
	struct cli_args args;
	int id, rc;

	cli_args_init(&args, cli, argc, argv);
	while ((id = cli_opt_next(&args)) > 0)
		if (id == O_TIMEOUT)
			(void)inkan_ctx_set_limit(cli->ctx,
				INKAN_LIMIT_DNS_TIMEOUT_MS, args.num);
	if (id < 0)
		return cli_args_end(&args);
	if (args.pos.n < 1 || args.pos.n > 2) {
		cli_args_free(&args);
		return cli_usage_error(cli, args.pos.n ? "too-many-arguments" :
			"missing-argument", "dns takes NAME [TYPE]");
	}
	rc = name_and_type((int)args.pos.n, args.pos.v, &name, &type);
	if (rc < 0) {
		cli_usage_error(cli, "bad-value", "neither '%s' nor '%s' is a "
			"DNS type name", args.pos.v[0], args.pos.v[1]);
		cli_args_free(&args);
		return CLI_USAGE;
	}
	cli_args_free(&args);
	rc = cli_dns_resolver(cli, &r);
	if (rc != CLI_OK)
		return rc;
	st = inkan_dns_lookup(r, name, type, &q, &a);
	if (st != INKAN_OK) {
		cli_error(cli, "%s: %s", name, inkan_strerror(st));
		cli_dns_free(cli, r);
		return st == INKAN_ERR_SYNTAX ? CLI_USAGE :
			cli_exit_for_status(st);
	}
	if (cli->json && print_json(cli, a) != CLI_OK) {
		inkan_dns_query_free(q);
		cli_dns_free(cli, r);
		return CLI_INTERNAL;
	}
	if (!cli->json)
		print_text(cli, a);
	switch (a->outcome) {
	case INKAN_DNS_DATA:
		rc = CLI_OK;
		break;
	case INKAN_DNS_NODATA:
	case INKAN_DNS_NXDOMAIN:
		rc = CLI_VERDICT_FAIL;
		break;
	default:
		rc = CLI_TEMPFAIL;
	}
	inkan_dns_query_free(q);
	cli_dns_free(cli, r);
	return rc;
}
