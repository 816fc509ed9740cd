/* SPDX-License-Identifier: MIT */
/*
 * mirror.h - keeping two mappings of the same bytes equal by copying, for
 * a section the bridge cannot share without a copy (mirror.c says when).
 *
 * Portable C over two views and a private shadow copy, run by the tool and
 * by the Windows helper each in a thread of its own.
 */
#ifndef FM_BRIDGE_MIRROR_H
#define FM_BRIDGE_MIRROR_H

#include <stddef.h>

/* A mirrored pass runs every millisecond, but waits at least this many
 * times as long as a pass took, so that a large section costs at most a
 * tenth of a processor. */
#define MIRROR_PERIOD_MS 1
#define MIRROR_IDLE_FACTOR 9

struct mirror {
	volatile unsigned char *first;  /* wins when both changed a block */
	volatile unsigned char *second;
	unsigned char *shadow;          /* the bytes as the last pass left them */
	size_t length;
};

/*
 * Starts mirroring first and second, length bytes each, from the contents
 * of one of them: from_first, or else second (the object that existed
 * before the mirror did).  shadow is the caller's, length bytes.
 */
void mirror_init(struct mirror *m, volatile void *first, volatile void *second, void *shadow,
		 size_t length, int from_first);

/* One pass: copies each block changed on one side to the other.  Returns
 * the number of bytes copied. */
size_t mirror_pass(struct mirror *m);

#endif /* FM_BRIDGE_MIRROR_H */
