/* SPDX-License-Identifier: MIT */
/*
 * first_process.c - the first half of the classic two-process demo.
 *
 * Creates the 256-byte section Local\MyFileMappingObject, writes a message
 * into it, then runs the second process (the program named on its command
 * line) and waits for it.  The section's name lives only while a handle is
 * held, so this process keeps its handle until the second one is done; when
 * it closes it, the name is gone.
 *
 *   usage: first_process ./second_process
 */
#include <filemap.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "Local\\MyFileMappingObject"
#define SIZE 256
#define MESSAGE "Message from first process"

int main(int argc, char **argv)
{
	fm_section *section;
	void *view;
	int r, status = 0;
	pid_t child;

	if (argc < 2) {
		fprintf(stderr, "usage: %s SECOND_PROCESS [ARGS...]\n", argv[0]);
		return 2;
	}
	r = fm_section_create(&section, NAME, SIZE, NULL);
	if (r < 0) {
		fprintf(stderr, "first_process: %s\n", fm_last_error_message());
		return 1;
	}
	r = fm_view_map(&view, section, 0, 0, FM_WRITE);
	if (r < 0) {
		fprintf(stderr, "first_process: %s\n", fm_last_error_message());
		fm_section_close(section);
		return 1;
	}
	memcpy(view, MESSAGE, sizeof(MESSAGE));
	printf("first_process: created %s (%d bytes) and wrote \"%s\"\n", NAME, SIZE, MESSAGE);
	fflush(stdout);

	child = fork();
	if (child == 0) {
		/* The second process is a separate program: it knows the name,
		 * nothing else. */
		fm_view_unmap(view);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (child < 0 || waitpid(child, &status, 0) < 0) {
		perror("first_process");
		status = 1;
	}

	fm_view_unmap(view);
	fm_section_close(section);
	r = fm_section_open(&section, NAME, FM_READ);
	printf("first_process: closed; opening %s now: %s\n", NAME,
	       r == -ENOENT ? "no such name (it lived exactly as long as its handles)"
			    : fm_strerror(r));
	if (r == 0)
		fm_section_close(section);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && r == -ENOENT ? 0 : 1;
}
