// SPDX-License-Identifier: MIT
//
// worker-boost.cpp - the comparison cases through Boost.Interprocess, as a
// Linux program would write them without filemap: shared_memory_object +
// truncate + mapped_region + remove for the lifecycle, open_only + a
// mapped_region of the whole object for the open, and a named_mutex for
// the mutex.  C++ lives only here, in bench/.  Driven by bench/run.py (see
// worker.h).

#include "worker.h"

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace bi = boost::interprocess;

namespace {

std::string message;
std::string created, held_name, large_name, mutex_name, shared_name;
std::unique_ptr<bi::shared_memory_object> held_small, held_large, held_shared;
std::unique_ptr<bi::named_mutex> mutex;

std::string name_for(const char *what)
{
	char buf[128];

	worker_name(buf, sizeof(buf), "", what);
	return buf;
}

// Runs fn, turning an exception into -1 with its message kept.
template <typename Fn> int guarded(const char *what, Fn fn)
{
	try {
		fn();
		return 0;
	} catch (const std::exception &e) {
		message = std::string(what) + ": " + e.what();
		return -1;
	}
}

std::unique_ptr<bi::shared_memory_object> make(const std::string &name, unsigned long long size)
{
	auto s = std::make_unique<bi::shared_memory_object>(bi::create_only, name.c_str(),
							    bi::read_write);
	s->truncate(static_cast<bi::offset_t>(size));
	return s;
}

void map_unmap(const bi::shared_memory_object &s, unsigned long long touch)
{
	bi::mapped_region view(s, bi::read_write);

	worker_touch(view.get_address(), touch);
}

int lifecycle()
{
	return guarded("lifecycle", [] {
		{
			auto s = make(created, WORKER_SMALL);
			map_unmap(*s, 0);
		}
		bi::shared_memory_object::remove(created.c_str());
	});
}

int prepare_small()
{
	created = name_for("created");
	held_name = name_for("held");
	return guarded("create held", [] {
		if (!held_small)
			held_small = make(held_name, WORKER_SMALL);
	});
}

std::string shared_name_for(const char *what)
{
	char buf[128];

	worker_shared_name(buf, sizeof(buf), "", what);
	return buf;
}

// The holder's side of "open": the name exists while this worker lives.
int prepare_hold()
{
	shared_name = shared_name_for("held");
	return guarded("create held", [] {
		if (!held_shared)
			held_shared = make(shared_name, WORKER_SMALL);
	});
}

int hold_nothing()
{
	return 0;
}

int prepare_open()
{
	shared_name = shared_name_for("held");
	return 0;
}

int open_existing()
{
	return guarded("open", [] {
		bi::shared_memory_object s(bi::open_only, shared_name.c_str(), bi::read_write);
		map_unmap(s, 0);
	});
}

int prepare_large()
{
	large_name = name_for("large");
	return guarded("create large", [] {
		if (!held_large)
			held_large = make(large_name, WORKER_LARGE);
	});
}

int map_small() { return guarded("map", [] { map_unmap(*held_small, 0); }); }
int map_small_touched() { return guarded("map", [] { map_unmap(*held_small, WORKER_SMALL); }); }
int map_large() { return guarded("map", [] { map_unmap(*held_large, 0); }); }
int map_large_touched() { return guarded("map", [] { map_unmap(*held_large, WORKER_LARGE); }); }

int prepare_mutex()
{
	mutex_name = name_for("mutex");
	return guarded("named_mutex", [] {
		mutex = std::make_unique<bi::named_mutex>(bi::create_only, mutex_name.c_str());
	});
}

int lock_unlock()
{
	return guarded("lock", [] {
		mutex->lock();
		mutex->unlock();
	});
}

} // namespace

extern "C" {

const struct worker_case worker_cases[] = {
	WORKER_COMMON_CASES,
	{ nullptr, nullptr, nullptr },
};

void worker_cleanup(void)
{
	held_small.reset();
	held_large.reset();
	mutex.reset();
	if (held_shared) {
		held_shared.reset();
		bi::shared_memory_object::remove(shared_name.c_str());
	}
	if (!held_name.empty())
		bi::shared_memory_object::remove(held_name.c_str());
	if (!large_name.empty())
		bi::shared_memory_object::remove(large_name.c_str());
	if (!mutex_name.empty())
		bi::named_mutex::remove(mutex_name.c_str());
}

const char *worker_error(void)
{
	return message.c_str();
}
}
