/* SPDX-License-Identifier: MIT */
/*
 * consumer.c - a program from outside the project, built against an
 * installed filemap (through pkg-config, and through find_package): it
 * creates a section, writes through one view, reads through another.
 */
#include <filemap.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
	fm_section *s;
	char *w, *r;

	if (fm_section_create(&s, "Local\\install-consumer", 100, NULL) != 0 ||
	    fm_view_map((void **)&w, s, 0, 0, FM_WRITE) != 0 ||
	    fm_view_map((void **)&r, s, 0, 0, FM_READ) != 0) {
		fprintf(stderr, "consumer: %s\n", fm_last_error_message());
		return 1;
	}
	strcpy(w, "installed filemap " FM_VERSION_STRING " works");
	printf("%s, section of %llu bytes\n", r, (unsigned long long)fm_section_size(s));
	fm_view_unmap(w);
	fm_view_unmap(r);
	fm_section_close(s);
	return 0;
}
