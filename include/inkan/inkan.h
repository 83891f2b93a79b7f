/* SPDX-License-Identifier: MIT */
/*
 * inkan/inkan.h - the whole public API of libinkan in one include.
 *
 * Each header below stands alone and documents ownership and threading
 * for its module; include just the ones you use if you prefer.
 */
#ifndef INKAN_INKAN_H
#define INKAN_INKAN_H

#include <inkan/export.h>
#include <inkan/status.h>
#include <inkan/ctx.h>
#include <inkan/msg.h>
#include <inkan/mailbox.h>
#include <inkan/address.h>
#include <inkan/authres.h>
#include <inkan/finding.h>
#include <inkan/dns.h>
#include <inkan/keys.h>
#include <inkan/spf.h>
#include <inkan/dkim.h>
#include <inkan/dmarc.h>
#include <inkan/verify.h>
#include <inkan/domain.h>
#include <inkan/json.h>
#include <inkan/report.h>

#endif
