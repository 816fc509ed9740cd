/* SPDX-License-Identifier: MIT */
/*
 * shm-producer.c - what community Wine bridges do, in plain POSIX: makes
 * /dev/shm/NAME with shm_open, SIZE bytes, and writes a counter at its
 * first and last 4 bytes every 10 ms, until SIGTERM (or 60 s); then
 * removes the name.  The bridge test makes it a filemap name with
 * `filemap bridge --posix NAME`.
 *
 *   usage: shm-producer NAME SIZE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	char name[256];
	size_t size = argc == 3 ? strtoul(argv[2], NULL, 0) : 0;
	volatile uint32_t *head, *tail;
	int fd;

	if (argc != 3 || size < 8 || snprintf(name, sizeof(name), "/%s", argv[1]) >= (int)sizeof(name)) {
		fprintf(stderr, "usage: shm-producer NAME SIZE\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	fd = shm_open(name, O_CREAT | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		return perror(name), 1;
	head = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (head == MAP_FAILED)
		return perror("mmap"), 1;
	tail = (volatile uint32_t *)((volatile char *)head + size - 4);
	printf("shm-producer: /dev/shm%s, %zu bytes\n", name, size);
	fflush(stdout);
	for (uint32_t i = 1; !stop && i <= 6000; i++) {
		*tail = i;
		*head = i;
		usleep(10000);
	}
	shm_unlink(name);
	return 0;
}
