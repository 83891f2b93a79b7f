/* SPDX-License-Identifier: MIT */
/* build_internal.h - the builder's state, shared by build.c and render.c. */
#ifndef INKAN_AUTHRES_BUILD_INTERNAL_H
#define INKAN_AUTHRES_BUILD_INTERNAL_H

#include <stddef.h>

#include <inkan/authres.h>

/* every string is owned by the builder and was checked when added */
struct ik_ar_bprop {
	char *ptype;
	char *property;
	char *value;
};

struct ik_ar_bresinfo {
	char *method;
	char *method_version;	/* NULL when absent */
	char *result;
	char *reason;		/* NULL when absent */
	char **comments;	/* white space already squeezed, never empty */
	size_t ncomments, comments_cap;
	struct ik_ar_bprop *props;
	size_t nprops, props_cap;
};

struct inkan_authres_builder {
	inkan_ctx *ctx;		/* borrowed */
	char *authserv_id;
	char *version;		/* NULL when absent */
	unsigned instance;	/* 0: Authentication-Results */
	unsigned flags;		/* INKAN_AUTHRES_STYLE_* */
	struct ik_ar_bresinfo *ri;
	size_t nri, ri_cap;
	size_t bytes;		/* input held, for the output cap */
};

/* render the field (@with_name) or its value; see inkan_authres_build() */
inkan_status ik_ar_render(const inkan_authres_builder *b, int with_name,
	char **text, size_t *len);

#endif
