/*
 * fuzz_names.c - libFuzzer target: the checks and messages every call makes of what Java
 * sends down: an interface name (lnw_ifname_check), and lnw_err_set's formatting of any op and
 * object text, whose result must fit and end in its fixed buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lnw_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lnw_err err;
	char *s;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	lnw_ifname_check(s, "interface name", s, &err);
	lnw_err_set(&err, size ? data[0] : 0, s, "\"%s\" and %s", s, s);
	if (strnlen(err.op, sizeof(err.op)) == sizeof(err.op) || strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg))
		abort();
	lnw_nle_to_errno(size >= 4 ? *(const int32_t *)(const void *)data : 0);
	free(s);
	return 0;
}
