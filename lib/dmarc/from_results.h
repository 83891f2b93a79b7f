/* SPDX-License-Identifier: MIT */
/*
 * from_results.h - SPF and DKIM results as the inputs DMARC takes
 * (from_results.c). The evaluator itself includes neither inkan/spf.h nor
 * inkan/dkim.h: it takes plain inputs. This is the one place that maps
 * the other modules' verdicts into them, for lib/verify (a message) and
 * lib/domain (the check's summary).
 */
#ifndef INKAN_DMARC_FROM_RESULTS_H
#define INKAN_DMARC_FROM_RESULTS_H

#include <inkan/dkim.h>
#include <inkan/dmarc.h>
#include <inkan/spf.h>

/* RFC 9989 4.4.2 / RFC 7208 2.6: SPF's result names carry over */
inkan_dmarc_spf_result ik_dmarc_spf_input(inkan_spf_result r);
/* RFC 9989 4.4.1 / RFC 8601 2.7.1: DKIM's verdicts carry over */
inkan_dmarc_dkim_result ik_dmarc_dkim_input(inkan_dkim_verdict d);

#endif
