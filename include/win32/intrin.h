/* SPDX-License-Identifier: MIT */
/*
 * intrin.h - the compiler intrinsics of MSVC that code sharing memory
 * uses, on GCC and Clang: the compiler barriers (_ReadWriteBarrier,
 * _WriteBarrier, _ReadBarrier: they stop the compiler, not the CPU, from
 * moving memory accesses across them, as in MSVC), the _Interlocked*
 * intrinsics (full barriers, on 32-bit LONG and 64-bit values),
 * __debugbreak, and on x86 the processor's own (<x86intrin.h>: __rdtsc,
 * _mm_pause, ...).  They are inline, as MSVC's intrinsics are.
 */
#ifndef FILEMAP_WIN32_INTRIN_H
#define FILEMAP_WIN32_INTRIN_H

#include <stdint.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#define _ReadWriteBarrier() __asm__ __volatile__("" ::: "memory")
#define _WriteBarrier()     __asm__ __volatile__("" ::: "memory")
#define _ReadBarrier()      __asm__ __volatile__("" ::: "memory")

#define FM_W32_INTRINSIC static __inline__ __attribute__((__always_inline__, __unused__))

/* The family on one integer type: old values are returned, except by
 * _InterlockedIncrement and _InterlockedDecrement, which return the new
 * one, as in MSVC. */
#define FM_W32_INTERLOCKED(T, SUFFIX)                                                      \
	FM_W32_INTRINSIC T _InterlockedIncrement##SUFFIX(T volatile *p)                    \
	{                                                                                  \
		return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);                         \
	}                                                                                  \
	FM_W32_INTRINSIC T _InterlockedDecrement##SUFFIX(T volatile *p)                    \
	{                                                                                  \
		return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST);                         \
	}                                                                                  \
	FM_W32_INTRINSIC T _InterlockedExchange##SUFFIX(T volatile *p, T v)                \
	{                                                                                  \
		return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);                        \
	}                                                                                  \
	FM_W32_INTRINSIC T _InterlockedExchangeAdd##SUFFIX(T volatile *p, T v)             \
	{                                                                                  \
		return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);                         \
	}                                                                                  \
	FM_W32_INTRINSIC T _InterlockedCompareExchange##SUFFIX(T volatile *p, T exchange,  \
							       T comparand)                \
	{                                                                                  \
		__atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST,  \
					    __ATOMIC_SEQ_CST);                             \
		return comparand;                                                          \
	}                                                                                  \
	FM_W32_INTRINSIC T _InterlockedAnd##SUFFIX(T volatile *p, T v)                     \
	{                                                                                  \
		return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);                         \
	}                                                                                  \
	FM_W32_INTRINSIC T _InterlockedOr##SUFFIX(T volatile *p, T v)                      \
	{                                                                                  \
		return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);                          \
	}                                                                                  \
	FM_W32_INTRINSIC T _InterlockedXor##SUFFIX(T volatile *p, T v)                     \
	{                                                                                  \
		return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);                         \
	}

FM_W32_INTERLOCKED(int32_t, )
FM_W32_INTERLOCKED(int64_t, 64)

FM_W32_INTRINSIC void *_InterlockedExchangePointer(void *volatile *p, void *v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
FM_W32_INTRINSIC void *_InterlockedCompareExchangePointer(void *volatile *p, void *exchange,
							 void *comparand)
{
	__atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return comparand;
}

/* Stops in the debugger (SIGTRAP without one), as int 3 does on Windows. */
FM_W32_INTRINSIC void __debugbreak(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("int3");
#else
	__builtin_trap();
#endif
}

#endif /* FILEMAP_WIN32_INTRIN_H */
