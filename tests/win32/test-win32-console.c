/* SPDX-License-Identifier: MIT */
/*
 * test-win32-console.c - the console and C-runtime calls where Wine cannot
 * be the reference (w32-crt and w32-cmdline compare the rest with Wine):
 * <conio.h> on a real pseudo-terminal, on pipes with and without data, on
 * /dev/null, a file and end of file; a _UNICODE _tmain program given
 * non-ASCII arguments; process snapshots finding a native "Game64.exe" and
 * a process named as Wine names Windows programs; the command line
 * quoted back and split again; the priority class (raising it needs root;
 * uid 65534 is refused); MessageBox's line; wide and narrow output mixed
 * on one stream; and the CRT's argument checks Wine's msvcrt.dll would
 * crash on.
 *
 * The programs this runs (the _tmain builds, Game64) come from CMake as
 * the environment variable W32_TEST_BIN, their directory.
 */
#define _GNU_SOURCE
#include "w32.h"
#include "harness.h"

#include <conio.h>
#include <io.h>
#include <shellapi.h>
#include <tlhelp32.h>

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define NOBODY 65534

/* Starts program with argv, its stdin from in_fd (/dev/null when -1). */
static pid_t spawn(const char *program, char *const argv[], int in_fd, int *out_fd)
{
	int null = in_fd < 0 ? open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
	pid_t pid = test_spawn_program(program, argv, in_fd >= 0 ? in_fd : null, out_fd);

	if (null >= 0)
		close(null);
	return pid;
}

/* The path of a test program CMake built (W32_TEST_BIN). */
static const char *test_program(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("W32_TEST_BIN");

	if (!dir)
		SKIP("W32_TEST_BIN is not set (run through ctest)");
	snprintf(buf, size, "%s/%s", dir, name);
	if (access(buf, X_OK) != 0)
		SKIP("%s was not built", buf);
	return buf;
}

/* Whether fd has something to read within ms. */
static bool readable_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

/* ---- <conio.h> on a pseudo-terminal ---- */

/* Helper: waits for a key with _kbhit, then reads two with _getch. */
static int keys(int argc, char **argv)
{
	int waited;

	(void)argc;
	(void)argv;
	test_say("kbhit before %d", _kbhit());
	for (waited = 0; !_kbhit() && waited < 20000; waited += 5)
		usleep(5000);
	test_say("hit %d", _kbhit());
	test_say("key %d", _getch());
	test_say("enter %d", _getch());
	return 0;
}

/* Helper: puts the terminal in conio's mode, then waits to be killed. */
static int keys_then_wait(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_say("kbhit %d", _kbhit());
	pause();
	return 0;
}

/* Helper: takes its terminal as its controlling one, gives the foreground
 * to another process group, and has a third, in the background (and not
 * orphaned, so SIGTTOU would stop it), call _kbhit: it must see no key
 * and leave the terminal alone, not be stopped for changing it. */
static int background_kbhit(int argc, char **argv)
{
	pid_t other, reader;
	int status = 0;

	(void)argc;
	(void)argv;
	if (setsid() < 0 || ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
		return 2;
	other = fork();
	if (other == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(other, other);
	if (tcsetpgrp(STDIN_FILENO, other) < 0)
		return 3;
	reader = fork();
	if (reader == 0) {
		setpgid(0, 0);
		test_say("kbhit %d", _kbhit());
		_exit(0);
	}
	setpgid(reader, reader);
	waitpid(reader, &status, WUNTRACED);
	test_say("%s", WIFSTOPPED(status) ? "stopped" : "ran");
	kill(reader, SIGKILL);
	kill(other, SIGKILL);
	return 0;
}

static pid_t spawn_on_terminal(const char *helper, int slave, int *out)
{
	char *argv[] = { "/proc/self/exe", "--helper", (char *)helper, NULL };

	return spawn("/proc/self/exe", argv, slave, out);
}

static void check_terminal_mode(int fd, bool conio_mode)
{
	struct termios t;

	CHECK(tcgetattr(fd, &t) == 0);
	CHECK_INT_EQ((t.c_lflag & ICANON) != 0, !conio_mode);
	CHECK_INT_EQ((t.c_lflag & ECHO) != 0, !conio_mode);
	CHECK(t.c_lflag & ISIG);
}

/* Puts a terminal in the mode conio sets, as another program might. */
static void set_key_mode(int fd)
{
	struct termios t;

	CHECK(tcgetattr(fd, &t) == 0);
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	CHECK(tcsetattr(fd, TCSANOW, &t) == 0);
}

static void conio_on_a_terminal(void)
{
	int master, slave, out;
	char line[64], echo[16];
	pid_t pid;

	CHECK(openpty(&master, &slave, NULL, NULL, NULL) == 0);
	check_terminal_mode(slave, false);
	pid = spawn_on_terminal("keys", slave, &out);
	test_expect_line(out, "kbhit before 0");
	/* The helper's first call switched the terminal; it waits for a key
	 * that comes without Enter. */
	check_terminal_mode(slave, true);
	CHECK(write(master, "a", 1) == 1);
	test_expect_line(out, "hit 1");
	test_expect_line(out, "key 97");
	CHECK(write(master, "\r", 1) == 1);
	test_expect_line(out, "enter 13");
	CHECK_INT_EQ(test_wait(pid), 0);
	/* Nothing was echoed, and the terminal is as it was. */
	CHECK(!readable_within(master, 100) || read(master, echo, sizeof(echo)) <= 0);
	check_terminal_mode(slave, false);
	close(out);

	/* Killed by SIGTERM in conio's mode: the terminal comes back too. */
	pid = spawn_on_terminal("keys_then_wait", slave, &out);
	CHECK(test_read_line(out, line, sizeof(line)));
	check_terminal_mode(slave, true);
	kill(pid, SIGTERM);
	CHECK_INT_EQ(test_wait(pid), 128 + SIGTERM);
	check_terminal_mode(slave, false);
	close(out);

	/* In the background: no key (though one is there to read in the
	 * mode conio would set), no change, not stopped. */
	set_key_mode(slave);
	CHECK(write(master, "k", 1) == 1);
	pid = spawn_on_terminal("background_kbhit", slave, &out);
	test_expect_line(out, "kbhit 0");
	test_expect_line(out, "ran");
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
	close(master);
	close(slave);
}

/* ---- <conio.h> on what is not a terminal (this case's own stdin) ---- */

static void stdin_from(int fd)
{
	CHECK(dup2(fd, STDIN_FILENO) == STDIN_FILENO);
	close(fd);
}

static void conio_on_pipes_files_and_null(void)
{
	FILE *file;
	int p[2], fd;

	CHECK(pipe(p) == 0);
	stdin_from(p[0]);
	CHECK_INT_EQ(_kbhit(), 0);
	CHECK(write(p[1], "xy", 2) == 2);
	CHECK_INT_EQ(_kbhit(), 1);
	CHECK_INT_EQ(_getch(), 'x');
	CHECK_INT_EQ(_kbhit(), 1);
	CHECK_INT_EQ(_getch(), 'y');
	CHECK_INT_EQ(_kbhit(), 0);
	/* A pipe's '\n' stays '\n': only a terminal's Enter is Windows' '\r'. */
	CHECK(write(p[1], "\n", 1) == 1);
	CHECK_INT_EQ(_getch(), '\n');
	close(p[1]);
	CHECK_INT_EQ(_kbhit(), 0); /* end of file is no key */
	CHECK_INT_EQ(_getch(), EOF);

	stdin_from(open("/dev/null", O_RDONLY));
	CHECK_INT_EQ(_kbhit(), 0);
	CHECK_INT_EQ(_getch(), EOF);

	file = tmpfile();
	CHECK(file != NULL);
	fd = dup(fileno(file));
	fclose(file);
	CHECK(write(fd, "z\xc3\xa9", 3) == 3);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	stdin_from(fd);
	CHECK_INT_EQ(_kbhit(), 1);
	CHECK_INT_EQ(_getch(), 'z');
	CHECK_INT_EQ(_getwch(), 0xE9); /* the file's UTF-8, decoded */
	CHECK_INT_EQ(_kbhit(), 0);
	CHECK(_getwch() == WEOF);

	CHECK_INT_EQ(_ungetch('q'), 'q');
	CHECK_INT_EQ(_ungetch('r'), EOF); /* one at a time */
	CHECK_INT_EQ(_kbhit(), 1);
	CHECK_INT_EQ(_getch(), 'q');
}

/* ---- _tmain under _UNICODE ---- */

static void expect_program_output(const char *program, char *const argv[], const char *expected[],
				  size_t n)
{
	char line[256];
	int out;
	pid_t pid = spawn(program, argv, -1, &out);

	for (size_t i = 0; i < n; i++) {
		CHECK(test_read_line(out, line, sizeof(line)));
		CHECK_STR_EQ(line, expected[i]);
	}
	CHECK(!test_read_line(out, line, sizeof(line)));
	close(out);
	CHECK_INT_EQ(test_wait(pid), 3);
}

static void unicode_tmain_gets_wide_arguments(void)
{
	static const char *const programs[] = { "w32-tmain", "w32-tmain-w16", "w32-tmain-lto",
						"w32-tmain-cxx" };
	size_t count = sizeof(programs) / sizeof(programs[0]);
	/* "é" (1 unit), "→✓" (2), and U+1F600 (a surrogate pair in UTF-16). */
	const char *expected4[] = { "argc 3", "arg 1 [h\xc3\xa9llo \xe2\x86\x92\xe2\x9c\x93] 8 U+0068",
				    "arg 2 [\xf0\x9f\x98\x80] 1 U+1F600", "env [w\xc3\xa9rt]" };
	const char *expected2[] = { "argc 3", "arg 1 [h\xc3\xa9llo \xe2\x86\x92\xe2\x9c\x93] 8 U+0068",
				    "arg 2 [\xf0\x9f\x98\x80] 2 U+D83D", "env [w\xc3\xa9rt]" };
	char path[4096];

	/* The "C" locale carries no UTF-8; the arguments are decoded anyway. */
	setenv("LC_ALL", "C", 1);
	setenv("W32_TMAIN", "w\xc3\xa9rt", 1);
	/* The C++ build exists only where a C++ compiler does. */
	snprintf(path, sizeof(path), "%s/w32-tmain-cxx", getenv("W32_TEST_BIN") ?: ".");
	if (access(path, X_OK) != 0)
		count--;
	for (size_t i = 0; i < count; i++) {
		char *argv[] = { (char *)programs[i], "h\xc3\xa9llo \xe2\x86\x92\xe2\x9c\x93",
				 "\xf0\x9f\x98\x80", NULL };

		test_program(path, sizeof(path), programs[i]);
		expect_program_output(path, argv, i == 1 ? expected2 : expected4, 4);
	}
}

static void tmain_forms(void)
{
	static const char *const void_forms[] = { "w32-tmain-void", "w32-tmain-void-c2x" };
	char path[4096], line[128];
	char *argv[] = { "w32-tmain", "x", "y", NULL };
	int out;
	pid_t pid;

	for (size_t i = 0; i < 2; i++) {
		pid = spawn(test_program(path, sizeof(path), void_forms[i]), argv, -1, &out);
		test_expect_line(out, "form 0: no arguments");
		CHECK_INT_EQ(test_wait(pid), 0);
		close(out);
	}
	pid = spawn(test_program(path, sizeof(path), "w32-wmain-envp"), argv, -1, &out);
	test_expect_line(out, "argc 3");
	while (test_read_line(out, line, sizeof(line)) && strncmp(line, "envp", 4) != 0)
		;
	CHECK_STR_EQ(line, "envp given");
	CHECK_INT_EQ(test_wait(pid), 3);
	close(out);
}

/* ---- process snapshots ---- */

/* The snapshot entry of pid: its name in *name (empty when absent). */
static void snapshot_name(DWORD pid, char *name, size_t size, DWORD *parent)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	PROCESSENTRY32 pe = { .dwSize = sizeof(pe) };

	CHECK(snap != INVALID_HANDLE_VALUE);
	name[0] = '\0';
	for (BOOL ok = Process32First(snap, &pe); ok; ok = Process32Next(snap, &pe))
		if (pe.th32ProcessID == pid) {
			snprintf(name, size, "%s", pe.szExeFile);
			*parent = pe.th32ParentProcessID;
		}
	CHECK_INT_EQ(GetLastError(), ERROR_NO_MORE_FILES);
	CHECK(CloseHandle(snap));
}

static void snapshot_finds_programs_by_windows_name(void)
{
	char path[4096], name[MAX_PATH];
	char *game_argv[] = { "Game64", NULL };
	char *wine_argv[] = { "C:\\Games\\RRRE64.exe", "--helper", "keys_then_wait", NULL };
	DWORD parent = 0;
	int feed[2], out;
	pid_t game, wine_like;

	CHECK(pipe2(feed, O_CLOEXEC) == 0);
	game = spawn(test_program(path, sizeof(path), "Game64"), game_argv, feed[0], &out);
	close(feed[0]);
	test_expect_line(out, "running"); /* it runs Game64 now, not this program */
	close(out);
	/* A native program is named as its Windows build would be. */
	snapshot_name((DWORD)game, name, sizeof(name), &parent);
	CHECK_STR_EQ(name, "Game64.exe");
	CHECK_INT_EQ(parent, getpid());
	/* A Wine process shows its Windows executable as argv[0]. */
	wine_like = spawn("/proc/self/exe", wine_argv, -1, &out);
	CHECK(test_read_line(out, path, sizeof(path)));
	snapshot_name((DWORD)wine_like, name, sizeof(name), &parent);
	CHECK_STR_EQ(name, "RRRE64.exe");
	close(feed[1]);
	kill(wine_like, SIGKILL);
	CHECK_INT_EQ(test_wait(game), 0);
	test_wait(wine_like);
	close(out);
}

/* ---- the command line, quoted back and split again ---- */

/* Helper: prints the arguments CommandLineToArgvW finds in its own
 * GetCommandLineW, one a line, as UTF-8 between brackets. */
static int split_own(int argc, char **argv)
{
	int count = 0;
	LPWSTR *wide = CommandLineToArgvW(GetCommandLineW(), &count);

	(void)argc;
	(void)argv;
	for (int i = 0; i < count; i++) {
		char *utf8 = w32_utf8_of_wide(wide[i], 4, wcslen(wide[i]), NULL);

		test_say("[%s]", utf8);
		free(utf8);
	}
	LocalFree(wide);
	return 0;
}

static void command_line_round_trip(void)
{
	static const char *const tricky[] = {
		"plain", "two words", "quote\"inside", "trailing\\", "", "back\\\\\"slash",
		"tab\there", "\xc3\xa9t\xc3\xa9", "\\\\server\\share",
	};
	char line[256], expected[256];
	int out;
	pid_t pid = test_spawn("split_own", &out, tricky[0], tricky[1], tricky[2], tricky[3],
			       tricky[4], tricky[5], tricky[6], tricky[7], tricky[8], NULL);

	test_expect_line(out, "[/proc/self/exe]");
	test_expect_line(out, "[--helper]");
	test_expect_line(out, "[split_own]");
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		snprintf(expected, sizeof(expected), "[%s]", tricky[i]);
		CHECK(test_read_line(out, line, sizeof(line)));
		CHECK_STR_EQ(line, expected);
	}
	CHECK_INT_EQ(test_wait(pid), 0);
	close(out);
}

/* ---- the priority class ---- */

static int nice_of(pid_t tid)
{
	errno = 0;
	return getpriority(PRIO_PROCESS, (id_t)tid);
}

static void *idle_thread(void *arg)
{
	__atomic_store_n((pid_t *)arg, gettid(), __ATOMIC_RELEASE);
	pause();
	return NULL;
}

static int raise_as_nobody(void *arg)
{
	(void)arg;
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 2;
	if (SetPriorityClass(GetCurrentProcess(), HIGH_PRIORITY_CLASS))
		return 3;
	return GetLastError() == ERROR_ACCESS_DENIED ? 0 : 4;
}

static void priority_class_for_every_thread(void)
{
	pthread_t thread;
	pid_t tid = 0;

	if (geteuid() != 0)
		SKIP("raising the priority needs root");
	CHECK(pthread_create(&thread, NULL, idle_thread, &tid) == 0);
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	CHECK(SetPriorityClass(GetCurrentProcess(), HIGH_PRIORITY_CLASS));
	CHECK_INT_EQ(GetPriorityClass(GetCurrentProcess()), HIGH_PRIORITY_CLASS);
	CHECK_INT_EQ(nice_of(tid), -10);
	CHECK(SetPriorityClass(GetCurrentProcess(), NORMAL_PRIORITY_CLASS));
	CHECK_INT_EQ(nice_of(tid), 0);
	CHECK_INT_EQ(nice_of(getpid()), 0);
	/* Without the privilege, Linux refuses a raise; so does the call. */
	CHECK_INT_EQ(test_in_child(raise_as_nobody, NULL), 0);
	pthread_cancel(thread);
	pthread_join(thread, NULL);
}

/* ---- output: a message box's line, wide and narrow on one stream ---- */

/* Runs fn with stdout going into a pipe, and returns what it wrote. */
static void capture_stdout(void (*fn)(void), char *out, size_t size)
{
	int p[2], saved = dup(STDOUT_FILENO);
	ssize_t n;

	CHECK(pipe(p) == 0);
	fflush(stdout);
	dup2(p[1], STDOUT_FILENO);
	close(p[1]);
	fn();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = read(p[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
}

static int box_results[5];

static void show_boxes(void)
{
	box_results[0] = MessageBoxA(NULL, "Message from first process.", "Process2", MB_OK);
	box_results[1] = MessageBoxA(NULL, "no caption", NULL, MB_YESNO | MB_ICONQUESTION);
	box_results[2] = MessageBoxW(NULL, L"w\u00e9de", L"Caption", MB_RETRYCANCEL);
	SetLastError(0);
	box_results[3] = MessageBoxA(NULL, "bad", "style", 7);
	box_results[4] = (int)GetLastError();
}

static void message_box_prints_a_line(void)
{
	char out[512];

	capture_stdout(show_boxes, out, sizeof(out));
	CHECK_STR_EQ(out, "Process2: Message from first process.\n"
			  "Error: no caption\n"
			  "Caption: w\xc3\xa9" "de\n");
	CHECK_INT_EQ(box_results[0], IDOK);
	CHECK_INT_EQ(box_results[1], IDYES);
	CHECK_INT_EQ(box_results[2], IDRETRY);
	CHECK_INT_EQ(box_results[3], 0);
	CHECK_INT_EQ(box_results[4], 1429);
}

static void mixed_output(void)
{
	printf("narrow 1\n");
	fm_w32_wprintf(L"wide %s %S %c\n", L"\u00e9", "n", L'\u2713');
	printf("narrow 2\n");
	fm_w32_fputws(L"fputws\n", stdout);
	putchar('!');
	fm_w32_fputwc(L'\n', stdout);
}

static void wide_and_narrow_share_a_stream(void)
{
	char out[256];

	capture_stdout(mixed_output, out, sizeof(out));
	CHECK_STR_EQ(out, "narrow 1\nwide \xc3\xa9 n \xe2\x9c\x93\nnarrow 2\nfputws\n!\n");
	/* The stream stayed narrow, as glibc's own wide calls would not
	 * leave it. */
	CHECK(fwide(stdout, 0) <= 0);
}

static int echoed[2];

static void echo_keys(void)
{
	echoed[0] = _getche();
	echoed[1] = (int)_getwche();
	_putch('!');
	_cputs("line\n");
	_putwch(L'\u2713');
}

static void conio_echoes_and_writes(void)
{
	char out[64];
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "k\xc3\xa9", 3) == 3);
	close(p[1]);
	stdin_from(p[0]);
	capture_stdout(echo_keys, out, sizeof(out));
	CHECK_INT_EQ(echoed[0], 'k');
	CHECK_INT_EQ(echoed[1], 0xE9);
	CHECK_STR_EQ(out, "k\xc3\xa9!line\n\xe2\x9c\x93");
}

static void wide_perror(void)
{
	char out[128];
	int p[2], saved = dup(STDERR_FILENO);
	ssize_t n;

	CHECK(pipe(p) == 0);
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	errno = ENOENT;
	_wperror(L"w\u00e9de");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = read(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	CHECK_STR_EQ(out, "w\xc3\xa9" "de: No such file or directory\n");
}

/* ---- what is no window ---- */

static void window_calls_reach_no_window(void)
{
	CHECK(SendNotifyMessageA(HWND_BROADCAST, RegisterWindowMessageA("IRSDK_BROADCASTMSG"), 1,
				 2));
	CHECK(PostMessageW(HWND_BROADCAST, WM_USER, 0, 0));
	CHECK(PostMessageA(NULL, WM_USER, 0, 0));
	CHECK_INT_EQ(SendMessageA(HWND_BROADCAST, WM_USER, 0, 0), 0);
	CHECK(!SendNotifyMessageW((HWND)(ULONG_PTR)0x1234, WM_USER, 0, 0));
	CHECK_INT_EQ(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
	CHECK_INT_EQ(RegisterWindowMessageA(""), 0);
	CHECK_INT_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK_INT_EQ(RegisterWindowMessageW(NULL), 0);
	CHECK_INT_EQ(GetAsyncKeyState(VK_ESCAPE), 0);
	CHECK_INT_EQ(GetKeyState('Q'), 0);
	CHECK(GetActiveWindow() == NULL && GetConsoleWindow() == NULL &&
	      GetForegroundWindow() == NULL);
}

/* ---- the CRT's argument checks (msvcrt.dll, under Wine, would crash) ---- */

static void crt_refuses_bad_arguments(void)
{
	char b[8], big[32];
	int n = 0;
	struct tm tm = { .tm_mday = 1, .tm_mon = 12 };

	errno = 0;
	CHECK_INT_EQ(_stricmp(NULL, "a"), _NLSCMPERROR);
	CHECK_INT_EQ(errno, EINVAL);
	errno = 0;
	CHECK_INT_EQ(sprintf_s(b, sizeof(b), "%n", &n), -1); /* %n is disabled */
	CHECK_INT_EQ(errno, EINVAL);
	CHECK_INT_EQ(b[0], 0);
	CHECK_INT_EQ(_snprintf(NULL, 0, "%d", 12345), 5);
	CHECK_INT_EQ(_scwprintf(L"%I64d", -1ll), 2);
	errno = 0;
	CHECK_INT_EQ(_wtoi(L"99999999999"), INT_MAX);
	CHECK_INT_EQ(errno, ERANGE);
	CHECK_INT_EQ(_wtol(L"-2147483649"), INT32_MIN);
	CHECK_INT_EQ(_wtoi(NULL), 0);
	CHECK_INT_EQ(strncat_s(b, sizeof(b), NULL, 0), 0);
	CHECK_INT_EQ(asctime_s(big, sizeof(big), &tm), EINVAL); /* month 12 */
	CHECK_INT_EQ(big[0], 0);
	CHECK_INT_EQ(_setmode(999, _O_BINARY), -1);
	CHECK_INT_EQ(errno, EBADF);
	CHECK_INT_EQ(localtime_s(NULL, NULL), EINVAL);
}

static void crt_environment_and_directories(void)
{
	char *value = (char *)"untouched";
	size_t length = 99;
	wchar_t *first, *again, *cwd;

	CHECK_INT_EQ(_dupenv_s(&value, &length, "W32_SURELY_UNSET"), 0);
	CHECK(value == NULL && length == 0);
	setenv("W32_ENV", "v\xc3\xa9", 1);
	CHECK_INT_EQ(_dupenv_s(&value, &length, "W32_ENV"), 0);
	CHECK_STR_EQ(value, "v\xc3\xa9");
	CHECK_INT_EQ(length, 4);
	free(value);
	first = _wgetenv(L"W32_ENV");
	CHECK(first && first[0] == L'v' && first[1] == 0xE9 && first[2] == 0);
	again = _wgetenv(L"W32_ENV");
	CHECK(again == first); /* the same answer for the same value */
	setenv("W32_ENV", "other", 1);
	again = _wgetenv(L"W32_ENV");
	CHECK(again != first && again[0] == L'o');
	CHECK(first[0] == L'v'); /* the old answer stays valid */
	CHECK(_wgetenv(L"W32_SURELY_UNSET") == NULL);
	CHECK_INT_EQ(WEXITSTATUS(_wsystem(L"exit 3")), 3);
	cwd = _wgetcwd(NULL, 0);
	CHECK(cwd && cwd[0] == L'/');
	free(cwd);
}

static const struct test_helper helpers[] = {
	TEST_HELPER(keys),
	TEST_HELPER(keys_then_wait),
	TEST_HELPER(background_kbhit),
	TEST_HELPER(split_own),
};

static const struct test_case cases[] = {
	TEST_CASE(conio_on_a_terminal),
	TEST_CASE(conio_on_pipes_files_and_null),
	TEST_CASE(unicode_tmain_gets_wide_arguments),
	TEST_CASE(tmain_forms),
	TEST_CASE(snapshot_finds_programs_by_windows_name),
	TEST_CASE(command_line_round_trip),
	TEST_CASE(priority_class_for_every_thread),
	TEST_CASE(message_box_prints_a_line),
	TEST_CASE(wide_and_narrow_share_a_stream),
	TEST_CASE(conio_echoes_and_writes),
	TEST_CASE(wide_perror),
	TEST_CASE(window_calls_reach_no_window),
	TEST_CASE(crt_refuses_bad_arguments),
	TEST_CASE(crt_environment_and_directories),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), helpers, TEST_COUNT(helpers));
}
