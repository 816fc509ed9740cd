/* SPDX-License-Identifier: MIT */
/*
 * game.c - a stand-in for a game's process, built as "Game64" for
 * test-win32-console: a telemetry reader looks for "Game64.exe" in a
 * process snapshot.  It says "running", then runs until its standard
 * input ends.
 */
#include <stdio.h>

int main(void)
{
	puts("running");
	fflush(stdout);
	while (getchar() != EOF)
		;
	return 0;
}
