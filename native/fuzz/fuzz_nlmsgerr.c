/*
 * fuzz_nlmsgerr.c - libFuzzer target: lnw_nl_parse_error on any netlink error message. The
 * input is the message after its header: an nlmsgerr, the echoed request and the extended-ack
 * attributes; its first two bytes choose the header's flags (capped or not, TLVs or not).
 * What it checks: no read outside the message (ASan), no undefined behaviour (UBSan), an
 * extended ack that always ends inside its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lnw_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char extack[LNW_EXTACK_MAX];
	struct nlmsghdr *h;
	uint16_t flags = 0;

	if (size < 2 || size > 65536)
		return 0;
	memcpy(&flags, data, 2);
	data += 2;
	size -= 2;
	/* exactly the message's bytes, so that ASan sees any read past them */
	h = malloc(NLMSG_HDRLEN + size);
	if (!h)
		return 0;
	h->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + size);
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = 1;
	h->nlmsg_pid = 0;
	memcpy((char *)h + NLMSG_HDRLEN, data, size);
	lnw_nl_parse_error(h, extack, sizeof(extack));
	if (strnlen(extack, sizeof(extack)) == sizeof(extack))
		abort(); /* unterminated */
	free(h);
	return 0;
}
