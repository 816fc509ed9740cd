/* SPDX-License-Identifier: MIT */
/*
 * winnt.h - the part of Windows' <winnt.h> that code sharing memory
 * between processes uses: the Interlocked calls on LONG, LONG64 and
 * pointers (full barriers; InterlockedIncrement, InterlockedDecrement and
 * InterlockedAdd return the new value, the others the old one, as on
 * Windows), MemoryBarrier (a full processor barrier) and YieldProcessor
 * (the CPU's pause or yield hint for a spin loop).  <windows.h> includes
 * it; it needs <windows.h>'s types.
 */
#ifndef FILEMAP_WIN32_WINNT_H
#define FILEMAP_WIN32_WINNT_H

#include "windows.h"
#include "intrin.h"

#define InterlockedIncrement           _InterlockedIncrement
#define InterlockedDecrement           _InterlockedDecrement
#define InterlockedExchange            _InterlockedExchange
#define InterlockedExchangeAdd         _InterlockedExchangeAdd
#define InterlockedCompareExchange     _InterlockedCompareExchange
#define InterlockedAnd                 _InterlockedAnd
#define InterlockedOr                  _InterlockedOr
#define InterlockedXor                 _InterlockedXor
#define InterlockedIncrement64         _InterlockedIncrement64
#define InterlockedDecrement64         _InterlockedDecrement64
#define InterlockedExchange64          _InterlockedExchange64
#define InterlockedExchangeAdd64       _InterlockedExchangeAdd64
#define InterlockedCompareExchange64   _InterlockedCompareExchange64
#define InterlockedExchangePointer     _InterlockedExchangePointer
#define InterlockedCompareExchangePointer _InterlockedCompareExchangePointer
#define InterlockedAdd(p, v)   (_InterlockedExchangeAdd((p), (v)) + (v))
#define InterlockedAdd64(p, v) (_InterlockedExchangeAdd64((p), (v)) + (v))

#if defined(__SANITIZE_THREAD__)
/* GCC's ThreadSanitizer refuses fences; a sequentially consistent
 * read-modify-write is a full barrier on x86, which is what Windows'
 * MemoryBarrier is there (a locked or). */
static __inline__ __attribute__((__always_inline__, __unused__)) void fm_w32_memory_barrier(void)
{
	static volatile LONG anchor;

	__atomic_fetch_or(&anchor, 0, __ATOMIC_SEQ_CST);
}
#define MemoryBarrier() fm_w32_memory_barrier()
#else
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#if defined(__x86_64__) || defined(__i386__)
#define YieldProcessor() _mm_pause()
#elif defined(__aarch64__) || defined(__arm__)
#define YieldProcessor() __asm__ __volatile__("yield" ::: "memory")
#else
#define YieldProcessor() __asm__ __volatile__("" ::: "memory")
#endif

#endif /* FILEMAP_WIN32_WINNT_H */
