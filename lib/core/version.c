/* SPDX-License-Identifier: MIT */
/* version.c - the library version, set by the build. */
#include <inkan/ctx.h>

#ifndef INKAN_VERSION_STRING
#error "the build defines INKAN_VERSION_STRING"
#endif

INKAN_API const char *
inkan_version(void)
{
	return INKAN_VERSION_STRING;
}
