/* SPDX-License-Identifier: MIT */
/*
 * bridge_command.c - the Windows helper, the command it runs in, and the
 * processes the bridge starts.
 *
 * The helper must run in COMMAND's prefix, with COMMAND's Wine and its
 * environment: Proton sets its own (WINEFSYNC, its libraries, the Steam
 * runtime's container), and its "waitforexitandrun" verb first waits for
 * the prefix's wineserver to exit, so a helper started beside Proton would
 * keep the game from starting at all.  So when COMMAND names a Windows
 * program (a .exe, .bat, .cmd or .com argument after the first: `wine
 * game.exe`, or Steam's %command%, `.../proton waitforexitandrun
 * .../Game.exe`), the bridge puts the helper in front of that program:
 *
 *   wine game.exe -x  ->  wine Z:\...\filemap-bridge.exe --filemap-bridge DIR -- game.exe -x
 *
 * The helper then sets up the names and runs the program, whose exit code
 * it returns.  Otherwise (a script that starts the game) the bridge runs
 * the helper itself, with --wine, else $WINE, else `wine`, in $WINEPREFIX
 * (Wine's default, ~/.wine, without it), and starts COMMAND once the
 * helper is ready.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Where `cmake --install` puts the helper, relative to the tool's
 * directory (set by the build; see tools/bridge/CMakeLists.txt). */
#ifndef FM_BRIDGE_HELPER_DIR
#define FM_BRIDGE_HELPER_DIR "../libexec/filemap"
#endif

/* The helper at dir/rel/name, if it is a regular file; else NULL. */
static char *helper_at(const char *dir, const char *rel, char *looked, size_t len)
{
	struct stat st;
	char *path;

	if (asprintf(&path, "%s%s%s/" BRIDGE_HELPER_EXE, dir, *rel ? "/" : "", rel) < 0)
		return NULL;
	snprintf(looked + strlen(looked), len - strlen(looked), "%s%s", *looked ? ", " : "", path);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return path;
	free(path);
	return NULL;
}

int bridge_find_helper(char **path)
{
	const char *env = getenv("FILEMAP_BRIDGE_HELPER");
	char self[PATH_MAX], looked[3 * PATH_MAX] = "";
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	struct stat st;

	*path = NULL;
	if (env && *env) {
		/* The user's choice is the only place looked at. */
		if (stat(env, &st) == 0 && S_ISREG(st.st_mode))
			*path = strdup(env);
		snprintf(looked, sizeof(looked), "%s, from FILEMAP_BRIDGE_HELPER", env);
	} else if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		*path = helper_at(self, "", looked, sizeof(looked));
		if (!*path)
			*path = helper_at(self, FM_BRIDGE_HELPER_DIR, looked, sizeof(looked));
	}
	if (*path)
		return TOOL_OK;
	tool_error("the Windows helper " BRIDGE_HELPER_EXE " is not installed (looked for %s): "
		   "filemap was built without mingw-w64; install it (Debian: apt-get install "
		   "mingw-w64), then build and install filemap again", looked);
	return TOOL_FAILED;
}

/* Whether arg names a Windows program by its extension. */
static bool names_program(const char *arg)
{
	static const char *const ext[] = { ".exe", ".bat", ".cmd", ".com" };
	size_t len = strlen(arg);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (len > 4 && strcasecmp(arg + len - 4, ext[i]) == 0)
			return true;
	return false;
}

int bridge_program_index(char *const argv[], int argc)
{
	for (int i = 1; i < argc; i++)
		if (names_program(argv[i]))
			return i;
	return -1;
}

/* The helper's copy in the run directory, as a Windows path on Z:. */
static char *helper_windows_path(const char *rundir)
{
	char *path;

	if (asprintf(&path, "Z:%s/" BRIDGE_HELPER_EXE, rundir) < 0)
		return NULL;
	for (char *p = path; *p; p++)
		if (*p == '/')
			*p = '\\';
	return path;
}

char **bridge_insert_helper(char *const argv[], int argc, int index, const char *rundir)
{
	char **out = calloc((size_t)argc + 5, sizeof(*out));
	char *helper = helper_windows_path(rundir);
	int n = 0;

	if (!out || !helper) {
		free(out);
		free(helper);
		return NULL;
	}
	for (int i = 0; i < index; i++)
		out[n++] = argv[i];
	out[n++] = helper;
	out[n++] = (char *)BRIDGE_HELPER_FLAG;
	out[n++] = (char *)rundir;
	out[n++] = (char *)"--";
	for (int i = index; i < argc; i++)
		out[n++] = argv[i];
	return out;
}

char **bridge_helper_command(const char *wine, const char *rundir)
{
	char **out = calloc(5, sizeof(*out));

	if (!wine || !*wine)
		wine = getenv("WINE");
	if (out) {
		out[0] = (char *)(wine && *wine ? wine : "wine");
		out[1] = helper_windows_path(rundir);
		out[2] = (char *)BRIDGE_HELPER_FLAG;
		out[3] = (char *)rundir;
	}
	if (out && !out[1]) {
		free(out);
		out = NULL;
	}
	return out;
}

struct waiter {
	pid_t pid;
	struct bridge_inbox *inbox;
};

static void *waiter_main(void *arg)
{
	struct waiter w = *(struct waiter *)arg;
	struct bridge_note note = { .kind = BRIDGE_NOTE_EXITED, .pid = w.pid };

	free(arg);
	while (waitpid(w.pid, &note.status, 0) < 0 && errno == EINTR)
		;
	bridge_inbox_post(w.inbox, &note);
	return NULL;
}

/* The signals the bridge handles in a thread (bridge_signals_start). */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int bridge_spawn(pid_t *pid, char *const argv[], struct bridge_inbox *inbox)
{
	struct waiter *w = malloc(sizeof(*w));
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	pthread_t thread;
	int r;

	stop_signals(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	r = w ? posix_spawnp(pid, argv[0], NULL, &attr, argv, environ) : ENOMEM;
	posix_spawnattr_destroy(&attr);
	if (r != 0) {
		free(w);
		tool_error("cannot run %s: %s", argv[0], strerror(r));
		return r == ENOENT ? 127 : r == EACCES ? 126 : TOOL_FAILED;
	}
	*w = (struct waiter){ .pid = *pid, .inbox = inbox };
	r = pthread_create(&thread, NULL, waiter_main, w);
	if (r != 0) {
		/* Without its waiter nobody would see it end: stop it. */
		free(w);
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		tool_error("cannot start a thread: %s", strerror(r));
		return TOOL_FAILED;
	}
	pthread_detach(thread);
	return TOOL_OK;
}

struct signals {
	struct bridge_inbox *inbox;
	_Atomic pid_t *child;
};

static void *signals_main(void *arg)
{
	struct signals s = *(struct signals *)arg;
	struct bridge_note note = { .kind = BRIDGE_NOTE_STOP };
	siginfo_t info;
	sigset_t set;
	pid_t child;
	int sig;

	free(arg);
	stop_signals(&set);
	for (;;) {
		sig = sigwaitinfo(&set, &info);
		if (sig < 0)
			continue;
		child = atomic_load(s.child);
		if (child > 0) {
			/* The terminal's ^C reaches COMMAND's process group by
			 * itself; a kill(1) aimed at the bridge goes on to it. */
			if (info.si_code != SI_KERNEL)
				kill(child, sig);
			continue;
		}
		note.status = 128 + sig;
		bridge_inbox_post(s.inbox, &note);
	}
	return NULL;
}

int bridge_signals_start(struct bridge_inbox *inbox, _Atomic pid_t *child)
{
	struct signals *s = malloc(sizeof(*s));
	pthread_t thread;
	sigset_t set;
	int r;

	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* every later thread inherits it */
	if (!s)
		return TOOL_FAILED;
	*s = (struct signals){ .inbox = inbox, .child = child };
	r = pthread_create(&thread, NULL, signals_main, s);
	if (r != 0) {
		free(s);
		tool_error("cannot start a thread: %s", strerror(r));
		return TOOL_FAILED;
	}
	pthread_detach(thread);
	return TOOL_OK;
}
