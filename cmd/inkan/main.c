/* SPDX-License-Identifier: MIT */
/* main.c - the inkan command line (subcommand dispatch). */
#include <stdio.h>
#include <inkan/ctx.h>

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("inkan %s\n", inkan_version());
	return 0;
}
