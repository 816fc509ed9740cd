/* SPDX-License-Identifier: MIT */
/*
 * name.c - object names: prefixes, validation, and their file names.
 *
 * A name is "Local\rest", "Global\rest" or "rest" (which means Local\).
 * rest is strict UTF-8, non-empty, without backslashes, at most 32,767
 * UTF-16 code units (Windows' limit).  It becomes one file name in the
 * namespace's directory: the bytes themselves, with '/', '%' and a leading
 * '.' percent-encoded so no name can leave the directory or hide.  When
 * that does not fit NAME_MAX, the file is named ".h-" + the SHA-256 of
 * rest; a direct encoding never starts with '.', so the two cannot meet.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define HASHED_PREFIX ".h-"

static const struct {
	const char *text;
	size_t len;
	enum fm__namespace ns;
} prefixes[] = {
	{ "Local\\", 6, FM__NS_LOCAL },
	{ "Global\\", 7, FM__NS_GLOBAL },
};

/* Length of the UTF-8 sequence at s (at most avail bytes), or 0 if invalid:
 * overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if (avail < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

long fm__utf8_utf16_units(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	long units = 0;
	size_t i = 0;

	/* Most names are ASCII: eight bytes at a time while they are. */
	for (uint64_t word; len - i >= 8; i += 8, units += 8) {
		memcpy(&word, p + i, 8);
		if (word & 0x8080808080808080ull)
			break;
	}
	while (i < len) {
		size_t n = utf8_sequence(p + i, len - i);

		if (n == 0)
			return -1;
		units += n == 4 ? 2 : 1; /* beyond the BMP: a surrogate pair */
		i += n;
	}
	return units;
}

static bool needs_escape(char c, size_t pos)
{
	return c == '/' || c == '%' || (c == '.' && pos == 0);
}

/* Writes the file name for rest into file (NAME_MAX + 1 bytes). */
static void encode_file(char file[NAME_MAX + 1], const char *rest, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, out = 0;

	/* Most names need no escape: then the file name is the name. */
	if (len <= NAME_MAX && rest[0] != '.' && !memchr(rest, '/', len) &&
	    !memchr(rest, '%', len)) {
		memcpy(file, rest, len);
		file[len] = '\0';
		return;
	}
	for (i = 0; i < len && out <= NAME_MAX; i++) {
		unsigned char c = (unsigned char)rest[i];

		if (!needs_escape((char)c, i)) {
			file[out++] = (char)c;
			continue;
		}
		if (out + 3 > NAME_MAX) {
			out = NAME_MAX + 1;
			break;
		}
		file[out++] = '%';
		file[out++] = hex[c >> 4];
		file[out++] = hex[c & 15];
	}
	if (i == len && out <= NAME_MAX) {
		file[out] = '\0';
		return;
	}
	/* Too long for one file name: use a hash of it. */
	uint8_t digest[32];

	fm__sha256(rest, len, digest);
	memcpy(file, HASHED_PREFIX, sizeof(HASHED_PREFIX) - 1);
	out = sizeof(HASHED_PREFIX) - 1;
	for (i = 0; i < sizeof(digest); i++) {
		file[out++] = hex[digest[i] >> 4];
		file[out++] = hex[digest[i] & 15];
	}
	file[out] = '\0';
}

int fm__name_parse(struct fm__name *out, const char *name)
{
	const char *rest = name;
	enum fm__namespace ns = FM__NS_LOCAL;
	size_t i, rest_len, prefix_len;
	long units;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncmp(name, prefixes[i].text, prefixes[i].len) == 0) {
			ns = prefixes[i].ns;
			rest = name + prefixes[i].len;
			break;
		}
	}
	/* A backslash left now is an unknown prefix or one after the prefix. */
	if (*rest == '\0' || strchr(rest, '\\'))
		return FM_ENAME;
	rest_len = strlen(rest);
	units = fm__utf8_utf16_units(rest, rest_len);
	if (units < 0)
		return FM_ENAME;
	if (units > FM__NAME_MAX_UNITS)
		return -ENAMETOOLONG;

	prefix_len = prefixes[ns].len;
	out->full = prefix_len + rest_len < sizeof(out->short_full)
			    ? out->short_full
			    : malloc(prefix_len + rest_len + 1);
	if (!out->full)
		return -ENOMEM;
	memcpy(out->full, prefixes[ns].text, prefix_len);
	memcpy(out->full + prefix_len, rest, rest_len + 1);
	out->full_len = prefix_len + rest_len;
	out->ns = ns;
	encode_file(out->file, rest, rest_len);
	return 0;
}

void fm__name_free(struct fm__name *n)
{
	if (!n)
		return;
	if (n->full != n->short_full)
		free(n->full);
	n->full = NULL;
}

bool fm__name_file_is_hashed(const char *file)
{
	return strncmp(file, HASHED_PREFIX, sizeof(HASHED_PREFIX) - 1) == 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool fm__name_decode_file(char *out, size_t out_len, const char *file)
{
	char again[NAME_MAX + 1];
	size_t o = 0;

	if (file[0] == '.' || file[0] == '\0')
		return false;
	for (size_t i = 0; file[i]; i++) {
		char c = file[i];

		if (c == '%') {
			int hi = hex_value(file[i + 1]), lo = hi < 0 ? -1 : hex_value(file[i + 2]);

			if (lo < 0)
				return false;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 >= out_len)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	/* Only what the encoder itself writes for a valid name decodes: "a%2fb"
	 * or "%41" would name a file that no name leads to. */
	if (memchr(out, '\0', o) || strchr(out, '\\') || fm__utf8_utf16_units(out, o) < 0)
		return false;
	encode_file(again, out, o);
	return strcmp(again, file) == 0;
}
