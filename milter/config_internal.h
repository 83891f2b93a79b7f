/* SPDX-License-Identifier: MIT */
/*
 * config_internal.h - parser state shared by config.c's helpers.
 */
#ifndef INKAN_MILTER_CONFIG_INTERNAL_H
#define INKAN_MILTER_CONFIG_INTERNAL_H

#include <stddef.h>

struct mt_config;

struct mt_parse {
	struct mt_config *c;
	const char *name;	/* file name for messages */
	size_t line;		/* 0: the file as a whole */
	char *err;
	size_t errlen;
	int failed;
};

#endif
