/* SPDX-License-Identifier: MIT */
/* finding.c - names of the shared finding severities (inkan/finding.h). */
#include <inkan/finding.h>

INKAN_API const char *
inkan_severity_name(inkan_severity s)
{
	return s == INKAN_SEVERITY_ERROR ? "error" :
		s == INKAN_SEVERITY_WARNING ? "warning" : "note";
}
