/* SPDX-License-Identifier: MIT */
/*
 * inkan/finding.h - one thing a checker found about published records,
 * with what to do about it. The SPF lint (inkan_spf_lint_*), the DMARC
 * inspector (inkan_dmarc_inspect) and the domain check
 * (inkan_domain_check) all report in this one form, so a front end
 * prints and serializes them one way.
 *
 * Strings are borrowed from the object that handed the finding out, until
 * that object is freed.
 */
#ifndef INKAN_FINDING_H
#define INKAN_FINDING_H

#include <inkan/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum inkan_severity {
	INKAN_SEVERITY_NOTE = 0,	/* worth knowing, nothing is broken */
	INKAN_SEVERITY_WARNING = 1,	/* works, but weaker than it should */
	INKAN_SEVERITY_ERROR = 2	/* receivers fail or ignore it */
} inkan_severity;

typedef struct inkan_finding {
	inkan_severity severity;
	/* stable short id, for scripts: "plus-all", "dmarc-p-none", ... */
	const char *code;
	const char *message;	/* what is wrong, one or two sentences */
	const char *fix;	/* what to do about it; never NULL */
} inkan_finding;

/* "note", "warning", "error"; static. */
INKAN_API const char *inkan_severity_name(inkan_severity s);

#ifdef __cplusplus
}
#endif
#endif
