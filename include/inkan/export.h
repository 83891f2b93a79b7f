/* SPDX-License-Identifier: MIT */
/*
 * inkan/export.h - symbol visibility and attribute macros.
 *
 * libinkan is built with -fvisibility=hidden and an export map; only
 * functions marked INKAN_API (all named inkan_*) leave the library.
 */
#ifndef INKAN_EXPORT_H
#define INKAN_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define INKAN_API __attribute__((visibility("default")))
/* a result the caller must look at: verify and evaluate calls */
#define INKAN_MUST_CHECK __attribute__((warn_unused_result))
#else
#define INKAN_API
#define INKAN_MUST_CHECK
#endif

#endif
