/* SPDX-License-Identifier: MIT */
/*
 * shm.c - the data of objects other users may map: SysV shared memory.
 *
 * Any description of a tmpfs file open for writing can ftruncate it, and a
 * writable shared mapping needs one; every other process mapping the file
 * then dies of SIGBUS when it touches what was cut off.  tmpfs files cannot
 * be sealed.  So an object whose data other users may map (a Global\ name
 * whose mode lets group or others in) keeps only its header in the store;
 * its data, a section's bytes or a sync object's state page, is a SysV
 * shared memory segment, which nobody, not even its owner, can shrink:
 *
 *  - The creator makes the segment owner-only, attaches it, marks it for
 *    removal (IPC_RMID) at once, and only then gives it the object's mode.
 *    Marked, it lives exactly as long as some process has it attached, and
 *    Linux still lets any process whose rights the mode grants attach it
 *    by id; systemd's RemoveIPC cannot take it either.  The creator's own
 *    attachment keeps the access it was made with, whatever the mode says.
 *  - Each handle keeps one attachment for as long as it lives (a view is
 *    a second mapping of it, mremap with old size 0, which checks nothing
 *    again), so the segment lives as long as any handle or view.
 *  - An opener finds the segment's id in the header and, once it has it
 *    attached (so that the id cannot pass to another segment meanwhile),
 *    checks that it is the one the header's owner made: created and owned
 *    by that uid, marked for removal, of the header's size, and changed
 *    last when the creator set its mode.  Only the owner writes the header
 *    (the store file is nobody else's to write), so another user can point
 *    a header only at a segment of its own.
 *
 * A creator killed between shmget and IPC_RMID leaves its segment behind,
 * owner-only and attached nowhere: fm__shm_sweep (filemap gc) finds such
 * segments by their key and removes them.
 *
 * A segment is charged to the system's commit like Windows' SEC_COMMIT;
 * its pages are taken at create (MADV_POPULATE_WRITE) unless the section
 * is FM_SECTION_RESERVE (SHM_NORESERVE, pages on first touch).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <unistd.h>

/* Keys are 'F' 'M' and 16 random bits, so that `ipcs` shows which are
 * ours until they are marked (a marked segment's key is 0). */
#define KEY_BASE  0x464d0000
#define KEY_TRIES 64

bool fm__shm_wanted(const struct fm__name *name, const struct fm__object_spec *spec)
{
	return name && name->ns == FM__NS_GLOBAL && !spec->path && (spec->mode & 0077);
}

size_t fm__shm_size(const struct fm__header *h)
{
	return h->type == FM__TYPE_SECTION ? (size_t)h->size : fm__page_size();
}

size_t fm__shm_length(const struct fm__header *h)
{
	return fm__round_up(fm__shm_size(h), fm__page_size());
}

int fm__ipc_namespace(uint64_t *out)
{
	struct stat st;
	int r = fm__os_fstatat(AT_FDCWD, "/proc/self/ns/ipc", &st, 0);

	if (r == 0)
		*out = st.st_ino;
	return r;
}

/* A segment's state, whatever our rights on it: SHM_STAT_ANY masks the id
 * to its slot and answers with the id that is there (-EINVAL: none). */
static int stat_any(int id, struct shmid_ds *ds)
{
	int r = fm__os_shmctl(id, SHM_STAT_ANY, ds);

	if (r == -EINVAL || r == -EACCES)
		r = fm__os_shmctl(id, IPC_STAT, ds) == 0 ? id : r; /* before Linux 4.17 */
	return r < 0 ? r : r == id ? 0 : -EIDRM;
}

/* A new segment of size bytes, owner-only: its id, or a failure. */
static int make_segment(uint64_t size, bool reserve, const char *label, const char *call)
{
	int flags = IPC_CREAT | IPC_EXCL | 0600 | (reserve ? SHM_NORESERVE : 0), id = -EEXIST;
	uint16_t bits;

	for (int i = 0; i < KEY_TRIES && id == -EEXIST; i++) {
		if (getrandom(&bits, sizeof(bits), GRND_NONBLOCK) != sizeof(bits))
			bits = (uint16_t)(getpid() * 31 + i);
		id = fm__os_shmget(KEY_BASE | bits, size, flags);
	}
	if (id == -ENOSPC)
		return fm__fail(-ENOSPC, call, label,
				"the system's limit of SysV shared memory (sysctl kernel.shmmni, or "
				"kernel.shmall) is reached; a Global\\ object other users may open "
				"needs a segment");
	if (id == -EINVAL)
		return fm__fail(-EFBIG, call, label,
				"%llu bytes is more than a SysV segment may hold (sysctl kernel.shmmax)",
				(unsigned long long)size);
	if (id == -ENOMEM)
		return fm__fail(-ENOSPC, call, label, "not enough memory to commit %llu bytes",
				(unsigned long long)size);
	if (id < 0)
		return fm__fail(id, call, label, "cannot make a shared memory segment: %s",
				fm_strerror(id));
	return id;
}

/* Gives the marked segment id the object's mode, and records its ctime. */
static int set_mode(struct fm__shm_new *n, mode_t mode)
{
	struct shmid_ds ds;
	int r = fm__os_shmctl(n->id, IPC_STAT, &ds);

	if (r == 0) {
		ds.shm_perm.mode = mode;
		r = fm__os_shmctl(n->id, IPC_SET, &ds);
	}
	if (r == 0)
		r = stat_any(n->id, &ds);
	if (r == 0)
		n->ctime = ds.shm_ctime;
	return r;
}

/* Takes the segment's pages now, so that a full machine is this error. */
static int populate(void *addr, size_t len)
{
	int r = fm__os_madvise(addr, len, MADV_POPULATE_WRITE);

	/* Before Linux 5.14: unreserved, as on a store without fallocate. */
	return r == -EINVAL ? 0 : r;
}

int fm__shm_create(struct fm__shm_new *n, uint64_t size, mode_t mode, bool reserve, bool write,
		   const char *label, const char *call)
{
	int r;

	*n = (struct fm__shm_new){ .id = -1, .len = fm__round_up(size, fm__page_size()) };
	r = fm__ipc_namespace(&n->ipc_ns);
	if (r < 0)
		return fm__fail(r, call, label, "cannot learn the IPC namespace: %s", fm_strerror(r));
	n->id = make_segment(size, reserve, label, call);
	if (n->id < 0)
		return n->id;
	r = fm__os_shmat(&n->rw, n->id, 0);
	/* Marked now: from here it goes with its last attachment. */
	if (r == 0)
		r = fm__os_shmctl(n->id, IPC_RMID, NULL);
	if (r == 0 && !write)
		r = fm__os_shmat(&n->ro, n->id, SHM_RDONLY);
	if (r == 0 && !reserve)
		r = populate(n->rw, n->len);
	if (r == 0)
		r = set_mode(n, mode);
	if (r == 0)
		return 0;
	fm__shm_discard(n);
	/* Unless it was marked, it would outlive us: gone now, unattached. */
	fm__os_shmctl(n->id, IPC_RMID, NULL);
	if (r == -ENOMEM || r == -EFAULT)
		return fm__fail(-ENOSPC, call, label, "not enough memory for %llu bytes",
				(unsigned long long)size);
	return fm__fail(r, call, label, "cannot set up the shared memory segment: %s",
			fm_strerror(r));
}

void fm__shm_discard(struct fm__shm_new *n)
{
	if (n->rw)
		fm__os_munmap(n->rw, n->len);
	if (n->ro)
		fm__os_munmap(n->ro, n->len);
	n->rw = n->ro = NULL;
}

/* Whether the attached segment is the one the owner made for header h. */
static int check_segment(const struct fm__header *h, uid_t owner)
{
	struct shmid_ds ds;
	int r = stat_any(h->shm_id, &ds);

	if (r < 0)
		return r;
	if (ds.shm_perm.cuid != owner || ds.shm_perm.uid != owner ||
	    ds.shm_segsz != fm__shm_size(h) || !(ds.shm_perm.mode & SHM_DEST) ||
	    (int64_t)ds.shm_ctime != h->shm_ctime)
		return FM_ECORRUPT;
	return 0;
}

int fm__shm_attach(void **out, const struct fm__header *h, uid_t owner, bool write,
		   const char *label, const char *call)
{
	uint64_t ns = 0;
	void *addr;
	int r;

	if (fm__ipc_namespace(&ns) == 0 && ns != h->ipc_ns)
		return fm__fail(-ENOTSUP, call, label,
				"its memory is in another IPC namespace: share the creator's (e.g. "
				"docker --ipc=host) to open a Global\\ object other users may open");
	r = fm__os_shmat(&addr, h->shm_id, write ? 0 : SHM_RDONLY);
	if (r == -EINVAL || r == -EIDRM)
		return -EIDRM; /* gone: every process that had it attached left */
	if (r == -EACCES)
		return fm__fail(r, call, label, "permission denied by the object's mode");
	if (r < 0)
		return fm__fail(r, call, label, "cannot attach its memory: %s", fm_strerror(r));
	r = check_segment(h, owner);
	if (r < 0) {
		fm__os_munmap(addr, fm__shm_length(h));
		return r == FM_ECORRUPT ? fm__fail(r, call, label,
						   "its shared memory segment is not the one its owner made")
					: -EIDRM;
	}
	*out = addr;
	return 0;
}

int fm__shm_dup(void **out, void *from, size_t len, void *at)
{
	return fm__os_mremap(out, from, 0, len, MREMAP_MAYMOVE | (at ? MREMAP_FIXED : 0), at);
}

/*
 * Whether segment ds is one a creator left when it was killed between
 * shmget and IPC_RMID: one of our keys (marked segments have key 0), still
 * of the mode it was made with (set_mode comes after the mark), attached
 * nowhere, and made by a process that no longer runs.  A creator
 * still at work is running; one whose pid this namespace cannot see is
 * reported as pid 0, and left alone.
 */
static bool leaked(const struct shmid_ds *ds)
{
	return ((uint32_t)ds->shm_perm.__key & 0xffff0000u) == KEY_BASE &&
	       (ds->shm_perm.mode & 0777) == 0600 && ds->shm_nattch == 0 && ds->shm_cpid > 0 &&
	       kill(ds->shm_cpid, 0) < 0 && errno == ESRCH;
}

int fm__shm_sweep(void (*removed)(const struct fm__shm_leak *leak, void *arg), void *arg)
{
	struct shm_info info;
	struct shmid_ds ds;
	int last, n = 0;

	last = fm__os_shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
	if (last < 0)
		return last;
	for (int index = 0; index <= last; index++) {
		int id = fm__os_shmctl(index, SHM_STAT_ANY, &ds);

		if (id == -EINVAL || id == -EACCES)
			id = fm__os_shmctl(index, SHM_STAT, &ds); /* before Linux 4.17 */
		if (id < 0 || !leaked(&ds) || (ds.shm_perm.uid != geteuid() && geteuid() != 0))
			continue;
		if (fm__os_shmctl(id, IPC_RMID, NULL) < 0)
			continue; /* gone meanwhile, or not ours to remove */
		if (removed)
			removed(&(struct fm__shm_leak){ id, (uint32_t)ds.shm_perm.__key,
							ds.shm_perm.uid, ds.shm_cpid,
							ds.shm_segsz },
				arg);
		n++;
	}
	return n;
}
