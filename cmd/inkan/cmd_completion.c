/* SPDX-License-Identifier: MIT */
/*
 * cmd_completion.c - `inkan completion`: shell completion from the same
 * option tables the parser reads. `--words [CMD [SUB]]` lists what may
 * come next (commands, subcommands, options); without it, a bash
 * completion function that calls `inkan completion --words` is printed:
 *
 *	source <(inkan completion)
 */
#include <string.h>

#include "cli_opt.h"
#include "commands.h"

enum { O_WORDS = 'w' };

static const struct cli_opt completion_opts[] = {
	{ "words", 0, O_WORDS, CLI_ARG_NONE, NULL, 0, 0,
	  "list the words that may follow CMD [SUB], one per line" },
	{ NULL, 0, 0, CLI_ARG_NONE, NULL, 0, 0, NULL }
};

static int cmd_completion(struct cli *cli, int argc, char **argv);

const struct cli_command cmd_completion_command = {
	"completion", "shell completion: a bash function, or the words after "
	"a command", "inkan completion [--words [CMD [SUB]]]",
	completion_opts, "Use: source <(inkan completion)", cmd_completion,
	NULL
};

static void
print_opts(FILE *to, const struct cli_opt *o)
{
	for (; o != NULL && o->name != NULL; o++)
		fprintf(to, "--%s\n", o->name);
}

static const struct cli_command *
find(const struct cli_command *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp((*list)->name, name) == 0)
			return *list;
	return NULL;
}

static int
words(struct cli *cli, struct cli_strv *pos)
{
	const struct cli_command *const *list = cli_commands, *c = NULL, *s;
	size_t i;

	for (i = 0; i < pos->n; i++) {
		s = find(list, pos->v[i]);
		if (s == NULL)
			break;
		c = s;
		list = c->subs;
	}
	for (; list != NULL && *list != NULL; list++)
		fprintf(cli->out, "%s\n", (*list)->name);
	if (c != NULL)
		print_opts(cli->out, c->opts);
	print_opts(cli->out, cli_global_opts);
	return CLI_OK;
}

static const char bash_script[] =
	"# bash completion for inkan: source <(inkan completion)\n"
	"_inkan() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} i words=()\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tcase ${COMP_WORDS[i]} in -*) ;; *) words+=(\"${COMP_WORDS[i]}\");;"
	" esac\n"
	"\tdone\n"
	"\tCOMPREPLY=($(compgen -W \"$(inkan completion --words "
	"\"${words[@]:0:2}\" 2>/dev/null)\" -- \"$cur\"))\n"
	"\t[ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "
	"\"$cur\"))\n"
	"}\n"
	"complete -F _inkan inkan\n";

static int
cmd_completion(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	int id, want_words = 0, rc;

	cli_args_init(&a, cli, argc, argv);
	while ((id = cli_opt_next(&a)) > 0)
		want_words |= id == O_WORDS;
	if (id < 0)
		return cli_args_end(&a);
	if (want_words)
		rc = words(cli, &a.pos);
	else if (a.pos.n > 0)
		rc = cli_usage_error(cli, "too-many-arguments", "CMD [SUB] go "
			"with --words");
	else
		rc = fputs(bash_script, cli->out) < 0 ? CLI_INTERNAL : CLI_OK;
	cli_args_free(&a);
	return rc;
}
