/* SPDX-License-Identifier: MIT */
/*
 * protect.c - Windows' page protections, in one table: what each PAGE_*
 * value means natively, which SECTION_* rights a view of it needs, and what
 * it lets a page do, which VirtualProtect compares; and the one rule that
 * turns a MapViewOfFile access mask into a protection.
 *
 * The rule, as Windows (Vista and later) applies it and Wine's conformance
 * tests pin it down for every mask: FILE_MAP_COPY counts only alone (with
 * FILE_MAP_EXECUTE at most); else FILE_MAP_WRITE, then FILE_MAP_READ, decide;
 * FILE_MAP_EXECUTE adds execute to a view that can read, and a mask that
 * grants no read (FILE_MAP_EXECUTE alone, SECTION_MAP_EXECUTE | FILE_MAP_COPY)
 * gives a PAGE_NOACCESS view, on any section.  The rights the handle needs
 * then follow from the protection, never from the mask's other bits.
 */
#include "w32.h"

#include <sys/mman.h>

/* The modifiers VirtualAlloc and VirtualProtect take with a protection. */
#define MODIFIERS (PAGE_GUARD | PAGE_NOCACHE | PAGE_WRITECOMBINE)

/* What a page may do, for VirtualProtect's "no more than the view" rule. */
#define CAN_READ  1u
#define CAN_WRITE 2u
#define CAN_EXEC  4u

struct page_protection {
	DWORD protect;   /* PAGE_* */
	unsigned native; /* the native view access */
	DWORD rights;    /* the SECTION_* rights a view of it needs */
	unsigned can;    /* CAN_* */
	int prot;        /* the mmap protection of its pages (a copy-on-write
			  * page is writable: its mapping is private) */
};

static const struct page_protection table[] = {
	{ PAGE_NOACCESS, 0, SECTION_MAP_READ, 0, PROT_NONE },
	{ PAGE_READONLY, FM_READ, SECTION_MAP_READ, CAN_READ, PROT_READ },
	{ PAGE_READWRITE, FM_READ | FM_WRITE, SECTION_MAP_WRITE, CAN_READ | CAN_WRITE,
	  PROT_READ | PROT_WRITE },
	{ PAGE_WRITECOPY, FM_READ | FM_COPY, SECTION_MAP_READ, CAN_READ, PROT_READ | PROT_WRITE },
	{ PAGE_EXECUTE, FM_EXEC, SECTION_MAP_EXECUTE, CAN_READ | CAN_EXEC, PROT_EXEC },
	{ PAGE_EXECUTE_READ, FM_READ | FM_EXEC, SECTION_MAP_READ | SECTION_MAP_EXECUTE,
	  CAN_READ | CAN_EXEC, PROT_READ | PROT_EXEC },
	{ PAGE_EXECUTE_READWRITE, FM_READ | FM_WRITE | FM_EXEC,
	  SECTION_MAP_WRITE | SECTION_MAP_EXECUTE, CAN_READ | CAN_WRITE | CAN_EXEC,
	  PROT_READ | PROT_WRITE | PROT_EXEC },
	{ PAGE_EXECUTE_WRITECOPY, FM_READ | FM_COPY | FM_EXEC,
	  SECTION_MAP_READ | SECTION_MAP_EXECUTE, CAN_READ | CAN_EXEC,
	  PROT_READ | PROT_WRITE | PROT_EXEC },
};

/* The row of a plain protection (no modifier bits), or NULL. */
static const struct page_protection *row_of(DWORD protect)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (table[i].protect == protect)
			return &table[i];
	return NULL;
}

/* The access mask rule: the first row the mask matches; `alone` rows match
 * only a mask that is exactly `bits` once FILE_MAP_EXECUTE is set aside. */
static const struct {
	DWORD bits;
	bool alone;
	DWORD plain, exec;
} view_rules[] = {
	{ FILE_MAP_COPY, true, PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY },
	{ FILE_MAP_WRITE, false, PAGE_READWRITE, PAGE_EXECUTE_READWRITE },
	{ FILE_MAP_READ, false, PAGE_READONLY, PAGE_EXECUTE_READ },
	{ 0, false, PAGE_NOACCESS, PAGE_NOACCESS },
};

DWORD w32_view_protect(DWORD access)
{
	DWORD rest = access & ~FILE_MAP_EXECUTE;
	bool exec = access & FILE_MAP_EXECUTE;
	size_t i;

	for (i = 0; ; i++)
		if (view_rules[i].alone ? rest == view_rules[i].bits
					: (rest & view_rules[i].bits) == view_rules[i].bits)
			return exec ? view_rules[i].exec : view_rules[i].plain;
}

bool w32_protect_known(DWORD protect)
{
	return row_of(protect) != NULL;
}

unsigned w32_protect_native(DWORD protect)
{
	const struct page_protection *p = row_of(protect);

	return p ? p->native : 0;
}

bool w32_protect_rights_allow(DWORD rights, DWORD protect)
{
	const struct page_protection *p = row_of(protect);
	DWORD needs;

	if (!p)
		return false;
	/* Either execute right maps executable views: SECTION_MAP_EXECUTE, or
	 * the explicit one FILE_MAP_EXECUTE asks for. */
	if (rights & SECTION_MAP_EXECUTE_EXPLICIT)
		rights |= SECTION_MAP_EXECUTE;
	needs = p->rights;
	return (needs & rights) == needs;
}

bool w32_protect_within(DWORD protect, DWORD limit)
{
	const struct page_protection *p = row_of(protect & ~MODIFIERS);
	const struct page_protection *l = row_of(limit & ~MODIFIERS);

	return p && l && (p->can & l->can) == p->can;
}

DWORD w32_protect_page(DWORD protect)
{
	DWORD modifiers = protect & MODIFIERS, plain = protect & ~MODIFIERS;

	if (!row_of(plain))
		return 0;
	/* One modifier at most, and none on a page that has no access. */
	if ((modifiers & (modifiers - 1)) || (modifiers && plain == PAGE_NOACCESS))
		return 0;
	/* Write-combining changes nothing here, and Windows does not show it. */
	return protect & ~PAGE_WRITECOMBINE;
}

int w32_protect_mmap(DWORD protect)
{
	const struct page_protection *p = row_of(protect & ~MODIFIERS);

	/* A guard page faults on its first touch: with no structured exception
	 * to raise, every touch faults. */
	if (!p || (protect & PAGE_GUARD))
		return PROT_NONE;
	return p->prot;
}

bool w32_protect_copies(DWORD protect)
{
	const struct page_protection *p = row_of(protect & ~MODIFIERS);

	return p && (p->native & FM_COPY);
}

DWORD w32_protect_written(DWORD protect)
{
	return w32_protect_copies(protect)
		       ? w32_protect_of_native((w32_protect_native(protect & ~MODIFIERS) &
						~FM_COPY) | FM_WRITE, false) | (protect & MODIFIERS)
		       : protect;
}

DWORD w32_protect_of_native(unsigned native, bool written)
{
	size_t i;

	/* A written copy-on-write page is the process's own, read-write. */
	if (written && (native & FM_COPY))
		native = (native & ~FM_COPY) | FM_WRITE;
	for (i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (table[i].native == (native & (FM_READ | FM_WRITE | FM_COPY | FM_EXEC)))
			return table[i].protect;
	return PAGE_NOACCESS;
}
