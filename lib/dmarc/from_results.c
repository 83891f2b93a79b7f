/* SPDX-License-Identifier: MIT */
/*
 * from_results.c - SPF results and DKIM verdicts as DMARC inputs (see
 * from_results.h). The enums are separate so that lib/dmarc can be fed by
 * any SPF or DKIM implementation (a milter's, a report's rows).
 */
#include "dmarc/from_results.h"

inkan_dmarc_spf_result
ik_dmarc_spf_input(inkan_spf_result r)
{
	switch (r) {
	case INKAN_SPF_PASS: return INKAN_DMARC_SPF_PASS;
	case INKAN_SPF_FAIL: return INKAN_DMARC_SPF_FAIL;
	case INKAN_SPF_SOFTFAIL: return INKAN_DMARC_SPF_SOFTFAIL;
	case INKAN_SPF_NEUTRAL: return INKAN_DMARC_SPF_NEUTRAL;
	case INKAN_SPF_TEMPERROR: return INKAN_DMARC_SPF_TEMPERROR;
	case INKAN_SPF_PERMERROR: return INKAN_DMARC_SPF_PERMERROR;
	case INKAN_SPF_NONE: break;
	}
	return INKAN_DMARC_SPF_NONE;
}

inkan_dmarc_dkim_result
ik_dmarc_dkim_input(inkan_dkim_verdict d)
{
	switch (d) {
	case INKAN_DKIM_PASS: return INKAN_DMARC_DKIM_PASS;
	case INKAN_DKIM_FAIL: return INKAN_DMARC_DKIM_FAIL;
	case INKAN_DKIM_POLICY: return INKAN_DMARC_DKIM_POLICY;
	case INKAN_DKIM_NEUTRAL: return INKAN_DMARC_DKIM_NEUTRAL;
	case INKAN_DKIM_TEMPERROR: return INKAN_DMARC_DKIM_TEMPERROR;
	case INKAN_DKIM_PERMERROR: return INKAN_DMARC_DKIM_PERMERROR;
	case INKAN_DKIM_NONE: break;
	}
	return INKAN_DMARC_DKIM_NONE;
}
