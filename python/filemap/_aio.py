# SPDX-License-Identifier: MIT
"""filemap._aio - the asyncio forms of the waits: Event.wait_async,
Semaphore.acquire_async and Mutex.acquire_async call these.

The kernel gives no descriptor an event loop could watch for a futex, so
an event or a semaphore is waited on in the loop's default thread pool, in
slices of SLICE seconds, so that a wait never keeps a worker for long and
others get their turn.  A wait that is cancelled while a slice runs lets
the slice finish, and gives back what it took (sets the auto-reset event
again, releases the semaphore's unit), so cancelling takes nothing.

A mutex is owned by a thread, and the loop's thread must own the mutex
that acquire_async returns: it is tried from the loop's thread, without
waiting, again and again, the pause between tries growing from 1 ms to
POLL_MAX.
"""

import asyncio

SLICE = 0.05
POLL_MAX = 0.02


def _deadline(loop, timeout):
    if timeout is None:
        return None
    return loop.time() + max(float(timeout), 0.0)


def _left(loop, deadline):
    return None if deadline is None else max(deadline - loop.time(), 0.0)


async def _take_in_threads(take, give_back, timeout):
    """take(seconds) -> bool runs in the pool, a slice at a time; True once
    it took, False when timeout passed."""
    loop = asyncio.get_running_loop()
    deadline = _deadline(loop, timeout)
    while True:
        left = _left(loop, deadline)
        slice_ = SLICE if left is None else min(SLICE, left)
        attempt = loop.run_in_executor(None, take, slice_)
        try:
            taken = await asyncio.shield(attempt)
        except asyncio.CancelledError:
            # The slice cannot be stopped; what it takes goes back.
            attempt.add_done_callback(
                lambda f: f.cancelled() or f.exception() or not f.result() or give_back())
            raise
        if taken:
            return True
        if deadline is not None and loop.time() >= deadline:
            return False


async def event_wait(event, timeout):
    def give_back():
        if not event.manual_reset:
            event.set()

    return await _take_in_threads(event.wait, give_back, timeout)


async def semaphore_acquire(semaphore, timeout):
    return await _take_in_threads(lambda seconds: semaphore.acquire(timeout=seconds),
                                  lambda: semaphore.release(), timeout)


async def mutex_acquire(mutex, timeout):
    loop = asyncio.get_running_loop()
    deadline = _deadline(loop, timeout)
    pause = 0.001
    while not mutex.acquire(blocking=False):
        left = _left(loop, deadline)
        if left == 0.0:
            return False
        await asyncio.sleep(pause if left is None else min(pause, left))
        pause = min(pause * 2, POLL_MAX)
    return True
