/*
 * fuzz_nft.c - libFuzzer target: the C core's handling of nftables text. The rulesets are
 * built in Java (firewall package, fuzzed there); what C does with text is decide whether a
 * command must run inside the namespace (it may name an interface), and turn libnftables'
 * error text into an errno and a message.
 *
 * The input is split at its first NUL: a command, then an error text. What it checks: no
 * read outside either (ASan), no undefined behaviour (UBSan); the message ends inside its
 * buffer and is empty only when every line is markers; the errno is one strerror() knows;
 * and the namespace decision agrees with a plain word-by-word reading of the command.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lnw_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same decision, written the slow way: split into words of [A-Za-z0-9_], compare each. */
static int names_ifindex_slowly(const char *cmd)
{
	static const char *const words[] = { "iif", "oif", "fwd", "dup" };
	size_t i = 0, len = strlen(cmd);

	while (i < len) {
		size_t start;

		while (i < len && !(isalnum((unsigned char)cmd[i]) || cmd[i] == '_'))
			i++;
		start = i;
		while (i < len && (isalnum((unsigned char)cmd[i]) || cmd[i] == '_'))
			i++;
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (i - start == strlen(words[w]) && !strncmp(cmd + start, words[w], i - start))
				return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cmd, *text, msg[200];
	size_t cut;
	int e;

	if (size > 65536)
		return 0;
	/* exactly the input's bytes plus the ends, so that ASan sees any read past them */
	cmd = malloc(size + 2);
	if (!cmd)
		return 0;
	memcpy(cmd, data, size);
	cmd[size] = '\0';
	cmd[size + 1] = '\0';
	cut = strlen(cmd);
	text = cmd + cut + 1;

	if (lnw_nft_names_ifindex(cmd) != names_ifindex_slowly(cmd))
		abort();

	lnw_nft_error_text(text, msg, sizeof(msg));
	if (strnlen(msg, sizeof(msg)) == sizeof(msg))
		abort();
	/* a message exactly when some line holds more than libnftables' markers */
	{
		int wanted = 0;

		for (const char *p = text; *p && !wanted;) {
			const char *end = strchr(p, '\n');
			size_t n = end ? (size_t)(end - p) : strlen(p);

			wanted = strspn(p, " ^~") < n;
			p += n + (end ? 1 : 0);
		}
		if (wanted != (msg[0] != '\0'))
			abort();
	}

	/* errno as the call left it: 0 or a real one */
	e = lnw_nft_classify(text, size ? data[size - 1] % 134 : 0);
	if (e <= 0 || e >= 134)
		abort();
	free(cmd);
	return 0;
}
