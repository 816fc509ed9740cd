/* SPDX-License-Identifier: MIT */
/*
 * w32-security.c - security identifiers and access-control lists:
 * AllocateAndInitializeSid, GetLengthSid, IsValidSid, EqualSid,
 * InitializeAcl, AddAccessAllowedAce and AddAccessDeniedAce with their
 * errors, and named objects made with DACLs that grant Everyone read, or
 * read and write: the creator's handle keeps its access, and an open by
 * name gets what the DACL grants.  One line per check (see check.h).
 */
#include "check.h"

#include <string.h>

#define N(x) "w32sec." x

static SID_IDENTIFIER_AUTHORITY world = SECURITY_WORLD_SID_AUTHORITY;
static SID_IDENTIFIER_AUTHORITY creator = SECURITY_CREATOR_SID_AUTHORITY;

static void sids(void)
{
	PSID everyone = NULL, owner = NULL, again = NULL;

	say_result("sid.allocate", AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0,
							    0, 0, 0, 0, &everyone));
	say_bool("sid.valid", IsValidSid(everyone));
	say("sid.length", "%lu", (unsigned long)GetLengthSid(everyone));
	AllocateAndInitializeSid(&creator, 1, SECURITY_CREATOR_OWNER_RID, 0, 0, 0, 0, 0, 0, 0,
				 &owner);
	AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &again);
	say_bool("sid.equal", EqualSid(everyone, again));
	say_bool("sid.not_equal", EqualSid(everyone, owner));
	SetLastError(0xdead);
	say_result("sid.nine_sub_authorities",
		   AllocateAndInitializeSid(&world, 9, 0, 0, 0, 0, 0, 0, 0, 0, &again));
	FreeSid(again);
	FreeSid(owner);
	FreeSid(everyone);
}

static void acls(void)
{
	char buf[64];
	PACL acl = (PACL)buf;
	PSID everyone = NULL;

	AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &everyone);
	SetLastError(0xdead);
	say_result("acl.too_small", InitializeAcl(acl, sizeof(ACL) - 1, ACL_REVISION));
	say_result("acl.bad_revision", InitializeAcl(acl, sizeof(buf), 1));
	say_result("acl.init", InitializeAcl(acl, sizeof(buf), ACL_REVISION));
	say("acl.size", "%u", (unsigned)acl->AclSize);
	say("acl.count", "%u", (unsigned)acl->AceCount);
	say_result("acl.allow", AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_READ, everyone));
	say("acl.allow.count", "%u", (unsigned)acl->AceCount);
	say_result("acl.deny", AddAccessDeniedAce(acl, ACL_REVISION, GENERIC_WRITE, everyone));
	say_result("acl.full", AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, everyone));
	say("acl.full.count", "%u", (unsigned)acl->AceCount);
	InitializeAcl(acl, sizeof(buf), ACL_REVISION);
	say_result("acl.ace_bad_revision", AddAccessAllowedAce(acl, 7, GENERIC_READ, everyone));
	FreeSid(everyone);
}

/* A descriptor whose DACL is one ACE: Everyone gets mask. */
static void everyone_gets(SECURITY_DESCRIPTOR *sd, char *buf, size_t len, DWORD mask)
{
	PSID everyone = NULL;

	AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &everyone);
	InitializeAcl((PACL)buf, (DWORD)len, ACL_REVISION);
	AddAccessAllowedAce((PACL)buf, ACL_REVISION, mask, everyone);
	InitializeSecurityDescriptor(sd, SECURITY_DESCRIPTOR_REVISION);
	SetSecurityDescriptorDacl(sd, TRUE, (PACL)buf, FALSE);
	FreeSid(everyone);
}

static void try_view(const char *name, HANDLE h, DWORD access)
{
	void *v;

	SetLastError(0xdead);
	v = MapViewOfFile(h, access, 0, 0, 0);
	say_result(name, v != NULL);
	UnmapViewOfFile(v);
}

/* Everyone may read and write: the creator and an opener alike. */
static void everyone_read_write(void)
{
	SECURITY_DESCRIPTOR sd;
	SECURITY_ATTRIBUTES sa = { sizeof(sa), &sd, FALSE };
	char buf[64];
	HANDLE h, o;

	everyone_gets(&sd, buf, sizeof(buf), GENERIC_READ | GENERIC_WRITE);
	SetLastError(0xdead);
	h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, N("rw"));
	say_result("rw.create", h != NULL);
	try_view("rw.create.view_write", h, FILE_MAP_WRITE);
	o = OpenFileMappingA(FILE_MAP_READ | FILE_MAP_WRITE, FALSE, N("rw"));
	say_result("rw.open", o != NULL);
	try_view("rw.open.view_write", o, FILE_MAP_WRITE);
	CloseHandle(o);
	CloseHandle(h);
	h = CreateEventA(&sa, FALSE, FALSE, N("rw_event"));
	say_result("rw.event", h != NULL);
	o = OpenEventA(EVENT_ALL_ACCESS, FALSE, N("rw_event"));
	say_result("rw.event.open", o != NULL);
	CloseHandle(o);
	CloseHandle(h);
}

/* Everyone may only read: the creator's handle, and its duplicates, still
 * read and write (an object's creator gets the access it asks for); a
 * handle opened by name for reading maps no writable view.  (That an open
 * by name for writing is refused, also to the creator's own user unless it
 * is root, test-win32 checks as two users.  A mutex, event or semaphore is
 * used for both or not at all: filemap-win32.7.) */
static void everyone_read_only(void)
{
	SECURITY_DESCRIPTOR sd;
	SECURITY_ATTRIBUTES sa = { sizeof(sa), &sd, FALSE };
	char buf[64];
	HANDLE h, d, o;
	char *v;

	everyone_gets(&sd, buf, sizeof(buf), GENERIC_READ);
	SetLastError(0xdead);
	h = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, N("ro"));
	say_result("ro.create", h != NULL);
	v = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	say_bool("ro.create.view_write", v != NULL);
	if (v) {
		strcpy(v, "written");
		UnmapViewOfFile(v);
	}
	d = NULL;
	DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
			DUPLICATE_SAME_ACCESS);
	try_view("ro.duplicate.view_write", d, FILE_MAP_WRITE);
	CloseHandle(d);
	SetLastError(0xdead);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, N("ro"));
	say_result("ro.open_read", o != NULL);
	v = MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);
	say_bool("ro.open_read.sees_write", v && strcmp(v, "written") == 0);
	UnmapViewOfFile(v);
	try_view("ro.open_read.view_write", o, FILE_MAP_WRITE);
	CloseHandle(o);
	CloseHandle(h);

	h = CreateEventA(&sa, TRUE, FALSE, N("ro_event"));
	say_result("ro.event", h != NULL);
	SetLastError(0xdead);
	say_result("ro.event.set", SetEvent(h));
	say("ro.event.wait", "%lu", (unsigned long)WaitForSingleObject(h, 0));
	CloseHandle(h);
}

int main(void)
{
	sids();
	acls();
	everyone_read_write();
	everyone_read_only();
	return 0;
}
