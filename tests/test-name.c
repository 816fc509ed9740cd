/* SPDX-License-Identifier: MIT */
/*
 * test-name.c - object names: the Local\ and Global\ prefixes, case,
 * everything FM_ENAME refuses (bad prefixes, backslashes, invalid UTF-8),
 * Unicode and awkward characters, the 32,767-unit limit counted in UTF-16,
 * and the check order (the name before the size).  The internals behind
 * them (fm__name_parse, the file-name encoding and its decoder, the UTF-16
 * count and SHA-256) are tested directly as well.
 */
#include "harness.h"

#include "internal.h"

#include <dirent.h>
#include <unistd.h>

#define SIZE 64

/* Creates name, expecting a new object; the caller closes it. */
static fm_section *create_new(const char *name)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, SIZE, NULL), 0);
	return s;
}

/* Opens name and checks it is the section s (by writing through one and
 * reading through the other), then closes the second handle. */
static void check_same(fm_section *s, const char *name)
{
	fm_section *o;
	char *a, *b;

	CHECK_OK(fm_section_open(&o, name, FM_READ | FM_WRITE));
	CHECK_OK(fm_view_map((void **)&a, s, 0, 0, FM_WRITE));
	CHECK_OK(fm_view_map((void **)&b, o, 0, 0, FM_WRITE));
	a[0]++;
	CHECK_INT_EQ(b[0], a[0]);
	CHECK_OK(fm_view_unmap(b));
	CHECK_OK(fm_view_unmap(a));
	fm_section_close(o);
}

static void prefixes(void)
{
	fm_section *local, *plain, *global;

	local = create_new("Local\\x");
	/* No prefix means Local\: the same object, and the creator is told. */
	CHECK_RC(fm_section_create(&plain, "x", SIZE, NULL), FM_EXISTED);
	check_same(local, "x");
	check_same(plain, "Local\\x");
	/* Global\x is another namespace, hence another object. */
	global = create_new("Global\\x");
	check_same(global, "Global\\x");
	fm_section_close(global);
	fm_section_close(plain);
	fm_section_close(local);
	CHECK_RC(fm_section_open(&plain, "x", FM_READ), -ENOENT);
	CHECK_RC(fm_section_open(&plain, "Global\\x", FM_READ), -ENOENT);
}

static void case_sensitive(void)
{
	fm_section *upper, *lower, *s;

	upper = create_new("X");
	lower = create_new("x");
	fm_section_close(upper);
	CHECK_RC(fm_section_open(&s, "X", FM_READ), -ENOENT);
	check_same(lower, "x");
	fm_section_close(lower);
	/* Prefixes are case-sensitive too: "LOCAL\x" is no prefix at all. */
	CHECK_RC(fm_section_create(&s, "LOCAL\\x", SIZE, NULL), FM_ENAME);
}

/* Malformed by their prefix or a backslash. */
static const char *const bad_prefix_names[] = {
	"", "Local\\", "Global\\", "Local\\a\\b", "Global\\a\\b", "Local\\\\",
	"local\\x", "global\\x", "LOCAL\\x", "Session\\1\\x", "a\\b", "\\", "x\\",
	"Global\\Local\\x",
};

/* Malformed by their UTF-8. */
static const char *const bad_utf8_names[] = {
	"\x80",                  /* a lone continuation byte */
	"ab\xbf",                /* one at the end */
	"\xc0\xaf",              /* overlong '/' */
	"\xc1\xbf",              /* overlong, the highest two-byte one */
	"\xe0\x80\xaf",          /* overlong, three bytes */
	"\xf0\x80\x80\xaf",      /* overlong, four bytes */
	"\xed\xa0\x80",          /* an encoded surrogate, U+D800 */
	"\xed\xbf\xbf",          /* U+DFFF */
	"\xf4\x90\x80\x80",      /* U+110000, past U+10FFFF */
	"\xf5\x80\x80\x80",      /* a lead byte that cannot start anything */
	"\xff",
	"\xe5\x88",              /* truncated: the first two bytes of U+5218 */
	"\xe5\x88x",             /* truncated, followed by ASCII */
	"\xf0\x9f\x98",          /* truncated four-byte sequence */
	"Local\\\xc3",           /* truncated after the prefix */
};

/* Both ways in refuse a malformed name, and the message names the call. */
static void check_malformed(const char *name)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, SIZE, NULL), FM_ENAME);
	CHECK(strstr(fm_last_error_message(), "fm_section_create") != NULL);
	CHECK_RC(fm_section_open(&s, name, FM_READ), FM_ENAME);
	CHECK(strstr(fm_last_error_message(), "fm_section_open") != NULL);
}

static void malformed_names(void)
{
	for (size_t i = 0; i < TEST_COUNT(bad_prefix_names); i++)
		check_malformed(bad_prefix_names[i]);
	for (size_t i = 0; i < TEST_COUNT(bad_utf8_names); i++)
		check_malformed(bad_utf8_names[i]);
	CHECK_INT_EQ(test_store_count(), 0);
}

/* Arguments are checked in order: a bad name is reported before a bad size
 * or bad access. */
static void name_checked_first(void)
{
	struct fm_section_opts opts = FM_SECTION_OPTS_INIT;
	fm_section *s;

	CHECK_RC(fm_section_create(&s, "", 0, NULL), FM_ENAME);
	CHECK_RC(fm_section_create(&s, "Local\\", UINT64_MAX, NULL), FM_ENAME);
	opts.access = 0;
	CHECK_RC(fm_section_create(&s, "\xff", 0, &opts), FM_ENAME);
	CHECK_RC(fm_section_open(&s, "", 0), FM_ENAME);
	CHECK_RC(fm_section_open(&s, "a\\b", 0xff), FM_ENAME);
}

/* The file that holds name's object in the Local\ directory exists. */
static bool local_file_exists(const char *file)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/local-%u/%s", test_root(), (unsigned)geteuid(), file);
	return access(path, F_OK) == 0;
}

static void unicode_name(void)
{
	static const char name[] = "刘大大别是妖怪吧";
	fm_section *s;

	s = create_new(name);
	check_same(s, name);
	check_same(s, "Local\\刘大大别是妖怪吧");
	/* Stored as its own UTF-8 bytes, readable in a listing. */
	CHECK(local_file_exists(name));
	fm_section_close(s);
	CHECK(!local_file_exists(name));
	CHECK_RC(fm_section_open(&s, name, FM_READ), -ENOENT);
}

/* The one entry of the Local\ directory, decoded back into a name. */
static void decode_only_entry(char *out, size_t len)
{
	char path[700];
	struct dirent *e;
	DIR *d;
	int seen = 0;

	snprintf(path, sizeof(path), "%s/local-%u", test_root(), (unsigned)geteuid());
	d = opendir(path);
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		CHECK(fm__name_decode_file(out, len, e->d_name));
		seen++;
	}
	closedir(d);
	CHECK_INT_EQ(seen, 1);
}

static void awkward_characters(void)
{
	static const char *const names[] = {
		".hidden/../../escape%2F", "..", ".", "/", "%", "%41", "a b\tc\n",
		".h-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	};
	char decoded[300];
	fm_section *s;

	for (size_t i = 0; i < TEST_COUNT(names); i++) {
		s = create_new(names[i]);
		check_same(s, names[i]);
		/* The store holds exactly one file, inside the directory,
		 * whose name decodes back to the name. */
		CHECK_INT_EQ(test_store_count(), 1);
		decode_only_entry(decoded, sizeof(decoded));
		CHECK_STR_EQ(decoded, names[i]);
		fm_section_close(s);
		CHECK_INT_EQ(test_store_count(), 0);
	}
}

/* A name of count copies of unit (a UTF-8 sequence) after prefix. */
static char *repeat(const char *prefix, const char *unit, size_t count)
{
	size_t plen = strlen(prefix), ulen = strlen(unit);
	char *s = malloc(plen + ulen * count + 1);

	CHECK(s != NULL);
	memcpy(s, prefix, plen);
	for (size_t i = 0; i < count; i++)
		memcpy(s + plen + i * ulen, unit, ulen);
	s[plen + ulen * count] = '\0';
	return s;
}

/* Creates name (new), checks it reopens, closes it, checks it is gone. */
static void check_long_name_works(const char *name)
{
	fm_section *s;

	s = create_new(name);
	check_same(s, name);
	CHECK_INT_EQ(test_store_count(), 1);
	fm_section_close(s);
	CHECK_INT_EQ(test_store_count(), 0);
	CHECK_RC(fm_section_open(&s, name, FM_READ), -ENOENT);
}

static void check_too_long(const char *name)
{
	fm_section *s;

	CHECK_RC(fm_section_create(&s, name, SIZE, NULL), -ENAMETOOLONG);
	CHECK_RC(fm_section_open(&s, name, FM_READ), -ENAMETOOLONG);
	CHECK_INT_EQ(test_store_count(), 0);
}

static void long_ascii_names(void)
{
	static const size_t works[] = { 255, 256, 300, 32767 };
	char *name;

	for (size_t i = 0; i < TEST_COUNT(works); i++) {
		name = repeat("", "a", works[i]);
		check_long_name_works(name);
		free(name);
	}
	/* The limit counts after the prefix. */
	name = repeat("Global\\", "g", 32767);
	check_long_name_works(name);
	free(name);
	name = repeat("", "a", 32768);
	check_too_long(name);
	free(name);
	name = repeat("Local\\", "a", 32768);
	check_too_long(name);
	free(name);
}

/* Two long names that differ only at the end are two objects (they are
 * stored under hashes, and the full name is compared). */
static void long_names_distinct(void)
{
	char *a = repeat("", "a", 1000), *b = repeat("", "a", 1000);
	fm_section *sa, *sb;

	b[999] = 'b';
	sa = create_new(a);
	sb = create_new(b);
	CHECK_INT_EQ(test_store_count(), 2);
	fm_section_close(sa);
	check_same(sb, b);
	fm_section_close(sb);
	free(a);
	free(b);
}

/* Characters beyond the BMP count as two UTF-16 units each. */
static void long_astral_names(void)
{
	static const char grin[] = "\xf0\x9f\x98\x80"; /* U+1F600 */
	char *name;

	name = repeat("", grin, 16383); /* 32,766 units, 65,532 bytes */
	check_long_name_works(name);
	free(name);
	name = repeat("Local\\", grin, 16383);
	check_long_name_works(name);
	free(name);
	name = repeat("", grin, 16384); /* 32,768 units */
	check_too_long(name);
	free(name);
	/* 16,383 of them and one ASCII character: exactly 32,767 units. */
	name = repeat("", grin, 16383);
	name = realloc(name, strlen(name) + 2);
	CHECK(name != NULL);
	strcat(name, "z");
	check_long_name_works(name);
	free(name);
}

/* A failure's message names the object, cut short when very long. */
static void long_name_message(void)
{
	char *name = repeat("", "q", 32768);
	fm_section *s;

	CHECK_RC(fm_section_open(&s, name, FM_READ), -ENAMETOOLONG);
	CHECK(strstr(fm_last_error_message(), "fm_section_open: qqqq") != NULL);
	CHECK(strlen(fm_last_error_message()) < 1024);
	free(name);
}

/* ---- internals ---------------------------------------------------------- */

static void check_parse(const char *name, enum fm__namespace ns, const char *full,
			const char *file)
{
	struct fm__name n;

	CHECK_OK(fm__name_parse(&n, name));
	CHECK_INT_EQ(n.ns, ns);
	CHECK_STR_EQ(n.full, full);
	CHECK_INT_EQ(n.full_len, strlen(full));
	CHECK_STR_EQ(n.file, file);
	fm__name_free(&n);
}

static void parse_internal(void)
{
	struct fm__name n;

	check_parse("x", FM__NS_LOCAL, "Local\\x", "x");
	check_parse("Local\\x", FM__NS_LOCAL, "Local\\x", "x");
	check_parse("Global\\x", FM__NS_GLOBAL, "Global\\x", "x");
	check_parse("Global", FM__NS_LOCAL, "Local\\Global", "Global");
	check_parse(".a/b%c", FM__NS_LOCAL, "Local\\.a/b%c", "%2Ea%2Fb%25c");
	check_parse("a.b.", FM__NS_LOCAL, "Local\\a.b.", "a.b.");
	check_parse("刘", FM__NS_LOCAL, "Local\\刘", "刘");
	for (size_t i = 0; i < TEST_COUNT(bad_prefix_names); i++)
		CHECK_RC(fm__name_parse(&n, bad_prefix_names[i]), FM_ENAME);
	for (size_t i = 0; i < TEST_COUNT(bad_utf8_names); i++)
		CHECK_RC(fm__name_parse(&n, bad_utf8_names[i]), FM_ENAME);
	fm__name_free(NULL); /* accepted, like every destructor */
}

/* The expected hashed file name: ".h-" and the upper-case hex SHA-256. */
static void hashed_file(char out[NAME_MAX + 1], const char *rest)
{
	uint8_t d[32];

	fm__sha256(rest, strlen(rest), d);
	strcpy(out, ".h-");
	for (int i = 0; i < 32; i++)
		sprintf(out + 3 + 2 * i, "%02X", d[i]);
}

/* Where the direct encoding stops fitting NAME_MAX, the hash takes over. */
static void check_hashed(const char *rest)
{
	char expected[NAME_MAX + 1];
	struct fm__name n;

	hashed_file(expected, rest);
	CHECK_OK(fm__name_parse(&n, rest));
	CHECK_STR_EQ(n.file, expected);
	CHECK(fm__name_file_is_hashed(n.file));
	CHECK_INT_EQ(n.full_len, 6 + strlen(rest));
	fm__name_free(&n);
}

static void parse_long_internal(void)
{
	char *fits = repeat("", "a", NAME_MAX), *full = repeat("Local\\", "a", NAME_MAX);
	char *over = repeat("", "a", NAME_MAX + 1);
	char *slashes = repeat("", "/", NAME_MAX / 3 + 1);

	check_parse(fits, FM__NS_LOCAL, full, fits);
	check_hashed(over);
	/* 86 slashes are only 86 bytes, but 258 once escaped. */
	check_hashed(slashes);
	free(fits);
	free(full);
	free(over);
	free(slashes);
}

static void decode_internal(void)
{
	static const char *const names[] = { "x", ".a/b%c", "..", "%2F", "a.b.", "刘大大" };
	char out[64];
	struct fm__name n;

	for (size_t i = 0; i < TEST_COUNT(names); i++) {
		CHECK_OK(fm__name_parse(&n, names[i]));
		CHECK(!fm__name_file_is_hashed(n.file));
		CHECK(fm__name_decode_file(out, sizeof(out), n.file));
		CHECK_STR_EQ(out, names[i]);
		fm__name_free(&n);
	}
	/* Hashed, hidden, empty, or broken escapes are not names. */
	CHECK(!fm__name_decode_file(out, sizeof(out), ".h-00"));
	CHECK(!fm__name_decode_file(out, sizeof(out), ""));
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%"));
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%4"));
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%G0"));
	/* Spellings the encoder never writes name no object: lower-case hex,
	 * needless escapes, NUL, backslash, invalid UTF-8. */
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%2e"));
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%2fb"));
	CHECK(!fm__name_decode_file(out, sizeof(out), "%41"));
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%00b"));
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%5Cb"));
	CHECK(!fm__name_decode_file(out, sizeof(out), "a%FF"));
	CHECK(fm__name_decode_file(out, sizeof(out), "%2Ea%2Fb%25"));
	CHECK_STR_EQ(out, ".a/b%");
	/* Too small a buffer is refused, not overrun. */
	CHECK(!fm__name_decode_file(out, 3, "abc"));
	CHECK(fm__name_decode_file(out, 4, "abc"));
}

static void utf16_units_internal(void)
{
	CHECK_INT_EQ(fm__utf8_utf16_units("", 0), 0);
	CHECK_INT_EQ(fm__utf8_utf16_units("abc", 3), 3);
	CHECK_INT_EQ(fm__utf8_utf16_units("\xc3\xa9", 2), 1);           /* é */
	CHECK_INT_EQ(fm__utf8_utf16_units("刘大", strlen("刘大")), 2);
	CHECK_INT_EQ(fm__utf8_utf16_units("\xef\xbf\xbf", 3), 1);       /* U+FFFF */
	CHECK_INT_EQ(fm__utf8_utf16_units("\xf0\x9f\x98\x80", 4), 2);   /* U+1F600 */
	CHECK_INT_EQ(fm__utf8_utf16_units("\xf4\x8f\xbf\xbf", 4), 2);   /* U+10FFFF */
	CHECK_INT_EQ(fm__utf8_utf16_units("\xed\x9f\xbf", 3), 1);       /* U+D7FF */
	CHECK_INT_EQ(fm__utf8_utf16_units("\xee\x80\x80", 3), 1);       /* U+E000 */
	CHECK_INT_EQ(fm__utf8_utf16_units("a\xf0\x9f\x98\x80" "b", 6), 4);
	/* Only len bytes count: a sequence cut by len is invalid. */
	CHECK_INT_EQ(fm__utf8_utf16_units("\xf0\x9f\x98\x80", 3), -1);
	CHECK_INT_EQ(fm__utf8_utf16_units("abc", 2), 2);
	/* Each malformed sequence, alone (without its "Local\\" if any). */
	for (size_t i = 0; i < TEST_COUNT(bad_utf8_names); i++) {
		const char *n = bad_utf8_names[i];

		n += strncmp(n, "Local\\", 6) == 0 ? 6 : 0;
		CHECK_INT_EQ(fm__utf8_utf16_units(n, strlen(n)), -1);
	}
}

static void check_sha256(const void *data, size_t len, const char *hex)
{
	char got[65];
	uint8_t d[32];

	fm__sha256(data, len, d);
	for (int i = 0; i < 32; i++)
		sprintf(got + 2 * i, "%02x", d[i]);
	CHECK_STR_EQ(got, hex);
}

static void sha256_internal(void)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	check_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_INT_EQ(strlen(two_blocks), 56);
	check_sha256(two_blocks, 56,
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	CHECK(million != NULL);
	memset(million, 'a', 1000000);
	check_sha256(million, 1000000,
		     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

static const struct test_case cases[] = {
	TEST_CASE(prefixes),
	TEST_CASE(case_sensitive),
	TEST_CASE(malformed_names),
	TEST_CASE(name_checked_first),
	TEST_CASE(unicode_name),
	TEST_CASE(awkward_characters),
	TEST_CASE(long_ascii_names),
	TEST_CASE(long_names_distinct),
	TEST_CASE(long_astral_names),
	TEST_CASE(long_name_message),
	TEST_CASE(parse_internal),
	TEST_CASE(parse_long_internal),
	TEST_CASE(decode_internal),
	TEST_CASE(utf16_units_internal),
	TEST_CASE(sha256_internal),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
