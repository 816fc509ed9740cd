/* SPDX-License-Identifier: MIT */
/*
 * mirror.c - two mappings kept equal by copying (mirror.h).
 *
 * The bridge shares a section without copying whenever it makes the object
 * on a side itself: both sides then map one file.  A side where the name
 * existed before the bridge could make it has an object of its own, which
 * nothing else can map: a Windows section that a game made in Wine's
 * server, or a native section in the store, whose data starts after a
 * header (and Windows views start only at 64 KiB boundaries).  That object
 * is mirrored to the shared file instead.
 *
 * A pass compares each 64-byte block of both sides with the shadow, the
 * bytes as the previous pass left them: a block that changed on one side
 * is copied to the other side and the shadow.  When both sides changed a
 * block, the first side's bytes win (the Windows side's, on both sides of
 * the bridge).  A reader may see a block half copied, as it may see a
 * block half written by a writer in the same section; what a pass copies
 * is read once, into a local copy, so both sides and the shadow get the
 * same bytes.
 */
#include "mirror.h"

#include <stdint.h>
#include <string.h>

#define BLOCK 64

/*
 * Copies n bytes from a view that another process may be writing, each byte
 * read once: 8 at a time while whole words remain (blocks start on 64-byte
 * boundaries of page-aligned views).
 */
static void read_block(unsigned char *out, const volatile unsigned char *in, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w = *(const volatile uint64_t *)(in + i);

		memcpy(out + i, &w, 8);
	}
	for (; i < n; i++)
		out[i] = in[i];
}

static void write_block(volatile unsigned char *out, const unsigned char *in, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, in + i, 8);
		*(volatile uint64_t *)(out + i) = w;
	}
	for (; i < n; i++)
		out[i] = in[i];
}

void mirror_init(struct mirror *m, volatile void *first, volatile void *second, void *shadow,
		 size_t length, int from_first)
{
	volatile unsigned char *from = from_first ? first : second, *to = from_first ? second : first;
	unsigned char block[BLOCK];

	*m = (struct mirror){ .first = first, .second = second, .shadow = shadow,
			      .length = length };
	for (size_t at = 0; at < length; at += BLOCK) {
		size_t n = length - at < BLOCK ? length - at : BLOCK;

		read_block(block, from + at, n);
		write_block(to + at, block, n);
		memcpy(m->shadow + at, block, n);
	}
}

size_t mirror_pass(struct mirror *m)
{
	unsigned char a[BLOCK], b[BLOCK];
	size_t copied = 0;

	for (size_t at = 0; at < m->length; at += BLOCK) {
		size_t n = m->length - at < BLOCK ? m->length - at : BLOCK;
		unsigned char *old = m->shadow + at;

		read_block(a, m->first + at, n);
		if (memcmp(a, old, n) != 0) {
			write_block(m->second + at, a, n);
			memcpy(old, a, n);
			copied += n;
			continue;
		}
		read_block(b, m->second + at, n);
		if (memcmp(b, old, n) != 0) {
			write_block(m->first + at, b, n);
			memcpy(old, b, n);
			copied += n;
		}
	}
	return copied;
}
