/* SPDX-License-Identifier: MIT */
/*
 * second_process.c - the second half of the classic two-process demo.
 *
 * Opens Local\MyFileMappingObject by name, without being told its size,
 * maps all of it read-only, and prints the message and the exact size.
 */
#include <filemap.h>

#include <stdio.h>

#define NAME "Local\\MyFileMappingObject"

int main(void)
{
	fm_section *section;
	const char *view;
	int r;

	r = fm_section_open(&section, NAME, FM_READ);
	if (r < 0) {
		fprintf(stderr, "second_process: %s\n", fm_last_error_message());
		return 1;
	}
	r = fm_view_map((void **)&view, section, 0, 0, FM_READ);
	if (r < 0) {
		fprintf(stderr, "second_process: %s\n", fm_last_error_message());
		fm_section_close(section);
		return 1;
	}
	printf("second_process: opened %s: %llu bytes\n", NAME,
	       (unsigned long long)fm_section_size(section));
	printf("second_process: %.*s\n", (int)fm_section_size(section), view);
	fm_view_unmap((void *)view);
	fm_section_close(section);
	return 0;
}
