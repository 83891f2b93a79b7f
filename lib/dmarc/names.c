/* SPDX-License-Identifier: MIT */
/* names.c - printable names of the DMARC enums (static strings). */
#include <inkan/dmarc.h>

INKAN_API const char *
inkan_dmarc_verdict_name(inkan_dmarc_verdict v)
{
	switch (v) {
	case INKAN_DMARC_NONE: return "none";
	case INKAN_DMARC_PASS: return "pass";
	case INKAN_DMARC_FAIL: return "fail";
	case INKAN_DMARC_TEMPERROR: return "temperror";
	case INKAN_DMARC_PERMERROR: return "permerror";
	}
	return "unknown";
}

INKAN_API const char *
inkan_dmarc_policy_name(inkan_dmarc_policy p)
{
	switch (p) {
	case INKAN_DMARC_POLICY_ABSENT: return "";
	case INKAN_DMARC_POLICY_NONE: return "none";
	case INKAN_DMARC_POLICY_QUARANTINE: return "quarantine";
	case INKAN_DMARC_POLICY_REJECT: return "reject";
	}
	return "";
}

INKAN_API const char *
inkan_dmarc_disposition_name(inkan_dmarc_disposition d)
{
	switch (d) {
	case INKAN_DMARC_DISPOSITION_NONE: return "none";
	case INKAN_DMARC_DISPOSITION_QUARANTINE: return "quarantine";
	case INKAN_DMARC_DISPOSITION_REJECT: return "reject";
	}
	return "none";
}

INKAN_API const char *
inkan_dmarc_override_name(inkan_dmarc_override o)
{
	switch (o) {
	case INKAN_DMARC_OVERRIDE_NONE: return "";
	case INKAN_DMARC_OVERRIDE_TEST_MODE: return "policy_test_mode";
	case INKAN_DMARC_OVERRIDE_SAMPLED_OUT: return "sampled_out";
	case INKAN_DMARC_OVERRIDE_NO_VALID_POLICY: return "no_valid_policy";
	case INKAN_DMARC_OVERRIDE_LOCAL_POLICY: return "local_policy";
	}
	return "";
}

INKAN_API const char *
inkan_dmarc_discovery_name(inkan_dmarc_discovery d)
{
	return d == INKAN_DMARC_DISCOVERY_PSL ? "psl" : "treewalk";
}
