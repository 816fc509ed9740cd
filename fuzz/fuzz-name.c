/* SPDX-License-Identifier: MIT */
/*
 * fuzz-name.c - libFuzzer target: any byte string as an object name.
 *
 * Parsing must accept or refuse it without crashing, and an accepted name
 * must give a file name that stays inside its directory (no '/', not "."
 * or "..", never empty, at most NAME_MAX) and, unless hashed, decodes back
 * to the name.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1), decoded[NAME_MAX * 2];
	struct fm__name parsed;
	const char *rest;

	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	if (fm__name_parse(&parsed, name) == 0) {
		size_t len = strlen(parsed.file);

		if (len == 0 || len > NAME_MAX || strchr(parsed.file, '/') ||
		    strcmp(parsed.file, ".") == 0 || strcmp(parsed.file, "..") == 0)
			abort();
		rest = strchr(parsed.full, '\\') + 1;
		if (!fm__name_file_is_hashed(parsed.file) &&
		    (!fm__name_decode_file(decoded, sizeof(decoded), parsed.file) ||
		     strcmp(decoded, rest) != 0))
			abort();
		fm__name_free(&parsed);
	}
	free(name);
	return 0;
}
