/* SPDX-License-Identifier: MIT */
/*
 * cli_opt.c - the option-table parser (see cli_opt.h): lookup, values,
 * numbers, and the global options.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <inkan/ctx.h>

#include "cli_opt.h"

enum global_id {
	G_JSON = 1, G_VERBOSE, G_HELP, G_VERSION, G_DNS_ZONE, G_DNS_SERVER
};

const struct cli_opt cli_global_opts[] = {
	{ "json", 0, G_JSON, CLI_ARG_NONE, NULL, 0, 0,
	  "machine-readable output (errors too), see inkan(1)" },
	{ "dns-zone", 0, G_DNS_ZONE, CLI_ARG_STRING, "FILE", 0, 0,
	  "answer DNS from this zone file (repeatable), no network" },
	{ "dns-server", 0, G_DNS_SERVER, CLI_ARG_STRING, "ADDR[@PORT]", 0, 0,
	  "ask this resolver instead of the system's" },
	{ "verbose", 'v', G_VERBOSE, CLI_ARG_NONE, NULL, 0, 0,
	  "say more" },
	{ "help", 'h', G_HELP, CLI_ARG_NONE, NULL, 0, 0,
	  "show this help" },
	{ "version", 0, G_VERSION, CLI_ARG_NONE, NULL, 0, 0,
	  "show the version" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

int
cli_strv_push(struct cli_strv *l, char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **v;

		if (cap > ((size_t)-1) / sizeof(*v))
			return -1;
		v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	return 0;
}

void
cli_strv_free(struct cli_strv *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int
cli_parse_uint(const char *s, unsigned long long min, unsigned long long max,
	unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull takes space, a sign and "-1" (as ULLONG_MAX): refuse
	 * anything but digits before it looks */
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
cli_want_uint(struct cli *cli, const char *what, const char *s,
	unsigned long long min, unsigned long long max,
	unsigned long long *out)
{
	if (cli_parse_uint(s, min, max, out) == 0)
		return 0;
	cli_fail(cli, "bad-number", "%s: '%s' is not a whole number from "
		"%llu to %llu", what, s, min, max);
	return -1;
}

int
cli_usage_error(struct cli *cli, const char *code, const char *fmt, ...)
{
	va_list ap;
	char small[512], *msg = small;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	/* an operand quoted in the message may be long: no truncation */
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	} else {
		msg = small;
	}
	cli_fail(cli, code, "%s (see inkan %s --help)", msg,
		cli->command ? cli->command : "");
	if (msg != small)
		free(msg);
	return CLI_USAGE;
}

void
cli_args_init(struct cli_args *a, struct cli *cli, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->cli = cli;
	a->argc = argc;
	a->argv = argv;
	a->i = 1;
}

void
cli_args_free(struct cli_args *a)
{
	cli_strv_free(&a->pos);
}

int
cli_args_end(struct cli_args *a)
{
	cli_args_free(a);
	return a->exit;
}

static int
stop(struct cli_args *a, int rc)
{
	a->exit = rc;
	return -1;
}

/* Find "--name" (@nlen bytes of @name) or "-x" (@letter) in @t. */
static const struct cli_opt *
lookup(const struct cli_opt *t, const char *name, size_t nlen, char letter)
{
	for (; t != NULL && t->name != NULL; t++) {
		if (letter != 0 ? t->letter == letter :
		    strlen(t->name) == nlen && memcmp(t->name, name, nlen) == 0)
			return t;
	}
	return NULL;
}

/* Apply a global option; 1 to go on, -1 to stop (a->exit set). */
static int
apply_global(struct cli_args *a, const struct cli_opt *o, const char *val)
{
	struct cli *cli = a->cli;

	switch (o->id) {
	case G_JSON: cli->json = 1; return 1;
	case G_VERBOSE: cli->verbose++; return 1;
	case G_DNS_SERVER: cli->dns_server = val; return 1;
	case G_DNS_ZONE:
		if (cli_strv_push(&cli->dns_zones, (char *)val) != 0) {
			cli_error(cli, "out of memory");
			return stop(a, CLI_INTERNAL);
		}
		return 1;
	case G_VERSION:
		printf("inkan %s\n", inkan_version());
		return stop(a, CLI_OK);
	case G_HELP:
		cli_help(cli->cmd, cli->command, stdout);
		return stop(a, CLI_OK);
	default:
		return 1;
	}
}

/* The value of option @o written as @arg (with @eq: after "=", or the
 * rest of "-xVALUE"). 1 ok, -1 stop. */
static int
take_value(struct cli_args *a, const struct cli_opt *o, const char *arg,
	const char *inline_val, int is_short)
{
	struct cli *cli = a->cli;
	char shown[128];

	if (is_short)
		snprintf(shown, sizeof(shown), "-%c", o->letter);
	else
		snprintf(shown, sizeof(shown), "--%s", o->name);
	a->opt = o;
	a->val = NULL;
	if (o->arg == CLI_ARG_NONE) {
		if (inline_val != NULL) {
			cli_usage_error(cli, "bad-value", "%s takes no value "
				"(got '%s')", shown, arg);
			return stop(a, CLI_USAGE);
		}
		return 1;
	}
	if (o->arg == CLI_ARG_OPTIONAL) {
		a->val = inline_val;
		return 1;
	}
	if (inline_val == NULL) {
		if (a->i >= a->argc) {
			cli_usage_error(cli, "missing-value", "%s needs a "
				"value (%s)", shown, o->value ? o->value :
				"VALUE");
			return stop(a, CLI_USAGE);
		}
		inline_val = a->argv[a->i++];
	}
	a->val = inline_val;
	if (o->arg == CLI_ARG_UINT &&
	    cli_want_uint(cli, shown, inline_val, o->min, o->max, &a->num) != 0)
		return stop(a, CLI_USAGE);
	return 1;
}

int
cli_opt_next(struct cli_args *a)
{
	const struct cli_opt *cmd_opts = a->cli->cmd ? a->cli->cmd->opts : NULL;

	while (a->i < a->argc) {
		char *arg = a->argv[a->i];
		const struct cli_opt *o;
		const char *eq = NULL, *name;
		size_t nlen;
		int is_short = 0, global, r;

		if (a->only_dashes || arg[0] != '-' || arg[1] == '\0') {
			if (a->stop_at_operand)
				return 0;	/* a->i is the operand */
			if (cli_strv_push(&a->pos, arg) != 0) {
				cli_error(a->cli, "out of memory");
				return stop(a, CLI_INTERNAL);
			}
			a->i++;
			continue;
		}
		a->i++;
		if (strcmp(arg, "--") == 0) {
			a->only_dashes = 1;
			continue;
		}
		if (arg[1] == '-') {
			name = arg + 2;
			eq = strchr(name, '=');
			nlen = eq ? (size_t)(eq - name) : strlen(name);
			o = lookup(cmd_opts, name, nlen, 0);
			global = o == NULL;
			if (global)
				o = lookup(cli_global_opts, name, nlen, 0);
			if (eq != NULL)
				eq++;
		} else {
			is_short = 1;
			o = lookup(cmd_opts, NULL, 0, arg[1]);
			global = o == NULL;
			if (global)
				o = lookup(cli_global_opts, NULL, 0, arg[1]);
			eq = arg[2] != '\0' ? arg + 2 : NULL;
		}
		if (o == NULL) {
			cli_usage_error(a->cli, "unknown-option",
				"unknown option '%s'", arg);
			return stop(a, CLI_USAGE);
		}
		if (take_value(a, o, arg, eq, is_short) < 0)
			return -1;
		if (!global)
			return o->id;
		r = apply_global(a, o, a->val);
		if (r < 0)
			return -1;
	}
	return 0;
}

int
cli_dispatch_sub(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *parent = cli->cmd, *const *s;
	struct cli_args a;
	int r;

	cli_args_init(&a, cli, argc, argv);
	a.stop_at_operand = 1;
	while ((r = cli_opt_next(&a)) > 0)
		;	/* the parent has no options of its own */
	if (r < 0)
		return cli_args_end(&a);
	cli_args_free(&a);
	if (a.i >= argc)
		return cli_usage_error(cli, "missing-argument", "%s needs a "
			"subcommand", parent->name);
	for (s = parent->subs; *s != NULL; s++)
		if (strcmp((*s)->name, argv[a.i]) == 0)
			break;
	if (*s == NULL)
		return cli_usage_error(cli, "unknown-command", "unknown "
			"subcommand '%s'", argv[a.i]);
	cli->cmd = *s;
	snprintf(cli->command_buf, sizeof(cli->command_buf), "%s %s",
		parent->name, (*s)->name);
	cli->command = cli->command_buf;
	return (*s)->fn(cli, argc - a.i, argv + a.i);
}
