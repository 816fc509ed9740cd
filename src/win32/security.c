/* SPDX-License-Identifier: MIT */
/*
 * security.c - security identifiers and access-control lists, as far as a
 * new named object's permissions need them: AllocateAndInitializeSid,
 * FreeSid, GetLengthSid, IsValidSid, EqualSid, InitializeAcl,
 * AddAccessAllowedAce, AddAccessDeniedAce, and the permission bits a
 * security descriptor gives a new object.
 *
 * Linux knows an owner, a group and the others; Windows knows any number
 * of accounts and groups.  What carries over is what a DACL grants
 * Everyone (or Authenticated Users, or the Users group: every user of this
 * machine), which every user gets, and what it grants Creator Owner, which
 * the owner gets; an ACE for any other account cannot be carried out and
 * is left out.  The ACEs are read in order, the first to speak of a right
 * deciding it, as Windows decides.  No descriptor, or a DACL that says
 * nothing this layer can carry out, keeps the safe default, owner-only
 * (0600); a present NULL DACL is Windows' "everyone may do anything".
 */
#include "w32.h"

#include <stddef.h>
#include <stdlib.h>

#define MODE_OWNER    0600u
#define MODE_EVERYONE 0666u
#define MAX_ACL_SIZE  0xFFFCu

/* The rights of an ACE that read or write an object of either kind. */
#define READ_RIGHTS  (GENERIC_READ | GENERIC_ALL | SECTION_MAP_READ | SECTION_QUERY | SYNCHRONIZE)
#define WRITE_RIGHTS (GENERIC_WRITE | GENERIC_ALL | SECTION_MAP_WRITE | EVENT_MODIFY_STATE)

static size_t sid_length(const SID *sid)
{
	return 8 + 4 * (size_t)sid->SubAuthorityCount;
}

FM_W32_API BOOL WINAPI IsValidSid(PSID pSid)
{
	const SID *sid = pSid;

	return sid && sid->Revision == SID_REVISION &&
	       sid->SubAuthorityCount <= SID_MAX_SUB_AUTHORITIES;
}

FM_W32_API DWORD WINAPI GetLengthSid(PSID pSid)
{
	return IsValidSid(pSid) ? (DWORD)sid_length(pSid) : 0;
}

FM_W32_API BOOL WINAPI EqualSid(PSID pSid1, PSID pSid2)
{
	if (!IsValidSid(pSid1) || !IsValidSid(pSid2))
		return w32_fail(ERROR_INVALID_SID);
	SetLastError(ERROR_SUCCESS);
	return GetLengthSid(pSid1) == GetLengthSid(pSid2) &&
	       memcmp(pSid1, pSid2, GetLengthSid(pSid1)) == 0;
}

FM_W32_API BOOL WINAPI AllocateAndInitializeSid(PSID_IDENTIFIER_AUTHORITY pIdentifierAuthority,
						BYTE nSubAuthorityCount, DWORD nSubAuthority0,
						DWORD nSubAuthority1, DWORD nSubAuthority2,
						DWORD nSubAuthority3, DWORD nSubAuthority4,
						DWORD nSubAuthority5, DWORD nSubAuthority6,
						DWORD nSubAuthority7, PSID *pSid)
{
	const DWORD sub[8] = { nSubAuthority0, nSubAuthority1, nSubAuthority2, nSubAuthority3,
			       nSubAuthority4, nSubAuthority5, nSubAuthority6, nSubAuthority7 };
	SID *sid;

	if (nSubAuthorityCount > 8)
		return w32_fail(ERROR_INVALID_SID);
	sid = calloc(1, 8 + 4 * (size_t)(nSubAuthorityCount ? nSubAuthorityCount : 1));
	if (!sid)
		return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
	sid->Revision = SID_REVISION;
	sid->SubAuthorityCount = nSubAuthorityCount;
	sid->IdentifierAuthority = *pIdentifierAuthority;
	memcpy(sid->SubAuthority, sub, 4 * (size_t)nSubAuthorityCount);
	*pSid = sid;
	return TRUE;
}

FM_W32_API PVOID WINAPI FreeSid(PSID pSid)
{
	free(pSid);
	return NULL;
}

FM_W32_API BOOL WINAPI InitializeAcl(PACL pAcl, DWORD nAclLength, DWORD dwAclRevision)
{
	if (nAclLength < sizeof(ACL))
		return w32_fail(ERROR_INSUFFICIENT_BUFFER);
	if (dwAclRevision < ACL_REVISION || dwAclRevision > ACL_REVISION_DS ||
	    nAclLength > MAX_ACL_SIZE)
		return w32_fail(ERROR_INVALID_PARAMETER);
	*pAcl = (ACL){ .AclRevision = (BYTE)dwAclRevision, .AclSize = (WORD)(nAclLength & ~3u) };
	return TRUE;
}

/* The ACEs in use: the header, then each one's AceSize bytes.  Returns
 * the bytes they take, or 0 for a list that does not add up. */
static size_t acl_used(const ACL *acl)
{
	size_t used = sizeof(ACL), i;
	const ACE_HEADER *ace;

	for (i = 0; i < acl->AceCount; i++) {
		ace = (const ACE_HEADER *)((const char *)acl + used);
		if (used + sizeof(*ace) > acl->AclSize || ace->AceSize < sizeof(*ace) ||
		    used + ace->AceSize > acl->AclSize)
			return 0;
		used += ace->AceSize;
	}
	return used;
}

static BOOL add_ace(PACL acl, DWORD revision, BYTE type, DWORD mask, PSID pSid)
{
	ACCESS_ALLOWED_ACE *ace;
	size_t used, size;

	if (!acl || acl->AclRevision < ACL_REVISION || acl->AclRevision > ACL_REVISION_DS ||
	    !(used = acl_used(acl)))
		return w32_fail(ERROR_INVALID_ACL);
	if (revision < ACL_REVISION || revision > ACL_REVISION_DS)
		return w32_fail(ERROR_REVISION_MISMATCH);
	if (!IsValidSid(pSid))
		return w32_fail(ERROR_INVALID_SID);
	size = offsetof(ACCESS_ALLOWED_ACE, SidStart) + GetLengthSid(pSid);
	if (used + size > acl->AclSize)
		return w32_fail(ERROR_ALLOTTED_SPACE_EXCEEDED);
	ace = (ACCESS_ALLOWED_ACE *)((char *)acl + used);
	ace->Header = (ACE_HEADER){ type, 0, (WORD)size };
	ace->Mask = mask;
	memcpy(&ace->SidStart, pSid, GetLengthSid(pSid));
	acl->AceCount++;
	return TRUE;
}

FM_W32_API BOOL WINAPI AddAccessAllowedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
					   PSID pSid)
{
	return add_ace(pAcl, dwAceRevision, ACCESS_ALLOWED_ACE_TYPE, AccessMask, pSid);
}

FM_W32_API BOOL WINAPI AddAccessDeniedAce(PACL pAcl, DWORD dwAceRevision, DWORD AccessMask,
					  PSID pSid)
{
	return add_ace(pAcl, dwAceRevision, ACCESS_DENIED_ACE_TYPE, AccessMask, pSid);
}

/* Who an ACE's SID is, as far as permission bits can say. */
enum who { NOBODY, EVERYONE, OWNER };

static enum who who_is(const SID *sid)
{
	const BYTE *a = sid->IdentifierAuthority.Value;
	DWORD first = sid->SubAuthorityCount ? sid->SubAuthority[0] : ~0u;

	if (a[0] || a[1] || a[2] || a[3] || a[4])
		return NOBODY;
	if (a[5] == 1 && sid->SubAuthorityCount == 1 && first == SECURITY_WORLD_RID)
		return EVERYONE;
	if (a[5] == 3 && sid->SubAuthorityCount == 1 && first == SECURITY_CREATOR_OWNER_RID)
		return OWNER;
	if (a[5] == 5 && sid->SubAuthorityCount == 1 && first == SECURITY_AUTHENTICATED_USER_RID)
		return EVERYONE;
	if (a[5] == 5 && sid->SubAuthorityCount == 2 && first == SECURITY_BUILTIN_DOMAIN_RID &&
	    sid->SubAuthority[1] == DOMAIN_ALIAS_RID_USERS)
		return EVERYONE;
	return NOBODY;
}

/* What one ACE does to the bits not decided yet: grants (allowed) or
 * refuses (decided) read (4) and write (2). */
static void apply_ace(const ACCESS_ALLOWED_ACE *ace, bool sync, unsigned *allowed,
		      unsigned *decided)
{
	unsigned bits = (ace->Mask & READ_RIGHTS ? 4u : 0) | (ace->Mask & WRITE_RIGHTS ? 2u : 0);

	/* Every user of a mutex, event or semaphore changes its state. */
	if (sync && bits)
		bits = 6u;
	bits &= ~*decided;
	*decided |= bits;
	if (ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE)
		*allowed |= bits;
}

/* The bits a DACL gives the owner and every user; false when it speaks
 * of nobody this layer can carry out. */
static bool dacl_bits(const ACL *acl, bool sync, unsigned *owner, unsigned *everyone)
{
	unsigned allowed[3] = { 0 }, decided[3] = { 0 };
	size_t used = sizeof(ACL), i;
	const ACCESS_ALLOWED_ACE *ace;
	bool known = false;
	enum who w;

	if (!acl_used(acl))
		return false;
	for (i = 0; i < acl->AceCount; used += ace->Header.AceSize, i++) {
		ace = (const ACCESS_ALLOWED_ACE *)((const char *)acl + used);
		if (ace->Header.AceType > ACCESS_DENIED_ACE_TYPE ||
		    ace->Header.AceSize < offsetof(ACCESS_ALLOWED_ACE, SidStart) + 8 ||
		    (w = who_is((const SID *)&ace->SidStart)) == NOBODY)
			continue;
		known = true;
		/* Everyone is the owner too; Creator Owner is only the owner. */
		apply_ace(ace, sync, &allowed[OWNER], &decided[OWNER]);
		if (w == EVERYONE)
			apply_ace(ace, sync, &allowed[EVERYONE], &decided[EVERYONE]);
	}
	*owner = allowed[OWNER];
	*everyone = allowed[EVERYONE];
	return known;
}

uint32_t w32_mode_of(const SECURITY_ATTRIBUTES *sa, bool sync)
{
	const SECURITY_DESCRIPTOR *sd = sa ? sa->lpSecurityDescriptor : NULL;
	unsigned owner, everyone;

	if (!sd || !(sd->Control & SE_DACL_PRESENT))
		return MODE_OWNER;
	if (!sd->Dacl)
		return MODE_EVERYONE;
	if (!dacl_bits(sd->Dacl, sync, &owner, &everyone))
		return MODE_OWNER;
	return (uint32_t)(owner << 6 | everyone << 3 | everyone);
}
