/* SPDX-License-Identifier: MIT */
/* owner_internal.h - the owner-side store code (intake, summary, PTR). */
#ifndef INKAN_REPORT_OWNER_INTERNAL_H
#define INKAN_REPORT_OWNER_INTERNAL_H

#include <inkan/report_intake.h>
#include "report/store_internal.h"
#include "core/buf.h"

/* base64 (RFC 4648 4) of @len bytes appended to @out */
inkan_status ik_owner_b64(const unsigned char *d, size_t len, ik_buf *out);

#endif
