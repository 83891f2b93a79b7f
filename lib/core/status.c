/* SPDX-License-Identifier: MIT */
/* status.c - inkan_strerror() and the temporary/permanent table. */
#include <inkan/status.h>

INKAN_API const char *
inkan_strerror(inkan_status status)
{
	switch (status) {
	case INKAN_OK: return "success";
	case INKAN_ERR_NOMEM: return "out of memory";
	case INKAN_ERR_INVALID: return "invalid argument";
	case INKAN_ERR_STATE: return "call out of order";
	case INKAN_ERR_SYNTAX: return "syntax error in input";
	case INKAN_ERR_LIMIT: return "input exceeds a configured limit";
	case INKAN_ERR_HEADER_COUNT: return "too many header fields";
	case INKAN_ERR_LINE_LENGTH: return "header line too long";
	case INKAN_ERR_HEADER_SIZE: return "header section too large";
	case INKAN_ERR_NOT_FOUND: return "not found";
	case INKAN_ERR_IO: return "input/output error";
	case INKAN_ERR_DNS_TEMP: return "temporary DNS failure";
	case INKAN_ERR_TIMEOUT: return "timed out";
	case INKAN_ERR_CRYPTO: return "cryptographic operation failed";
	case INKAN_ERR_UNSUPPORTED: return "unsupported feature";
	case INKAN_ERR_INTERNAL: return "internal error";
	case INKAN_ERR_CONFIG: return "configuration error";
	}
	return "unknown status";
}

INKAN_API int
inkan_status_is_temporary(inkan_status status)
{
	switch (status) {
	case INKAN_ERR_NOMEM:
	case INKAN_ERR_IO:
	case INKAN_ERR_DNS_TEMP:
	case INKAN_ERR_TIMEOUT:
		return 1;
	default:
		return 0;
	}
}
