# SPDX-License-Identifier: MIT
# The two commands a newcomer needs: `make demo` and `make test`.
# Everything else is CMake (see CMakePresets.json); this file only drives it.

PRESET ?= dev
BUILD  := build/$(PRESET)

.PHONY: all build demo test test-asan test-tsan bench bench-scale bench-bridge install clean

all: build

build:
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) --parallel

# The classic two-process scenario: the first process creates
# Local\MyFileMappingObject and writes a message; a second, separate program
# opens it by name, without knowing the size, and prints it.  Then the same
# with the Win32 sample, compiled unchanged against filemap's <windows.h>.
demo: build
	@echo
	$(BUILD)/examples/first_process $(BUILD)/examples/second_process
	@echo
	$(BUILD)/examples/win32/first_process $(BUILD)/examples/win32/second_process

# Every test (ctest), ending with ctest's summary line.
test: build
	ctest --preset $(PRESET)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	$(MAKE) test PRESET=asan

# The threaded tests under ThreadSanitizer.
test-tsan:
	$(MAKE) test PRESET=tsan

# The benchmarks, optimised (the release preset), side by side: filemap
# against raw POSIX, Boost.Interprocess and Wine, the sync objects and the
# file copy.  Prints the table with every ratio and its goal and writes
# bench/results/latest.json and latest.md (see bench/README.md).
bench:
	$(MAKE) build PRESET=release
	python3 bench/run.py --build build/release/bench --out bench/results

# The scale benchmark at full size: 100,000 live names, 64 processes
# churning with SIGKILL, a 1 TiB reserved section, memory per object.  Its
# table goes to stderr and bench/results/scale.json and scale.md; it fails
# only when a correctness check does.
bench-scale:
	$(MAKE) build PRESET=release
	python3 bench/run.py --scale --build build/release/bench --out bench/results

# How long an event's set takes to cross `filemap bridge`, next to the same
# ping-pong natively and under Wine alone (needs wine64 and mingw-w64).
bench-bridge:
	$(MAKE) build PRESET=release
	sh bench/bridge-latency.sh build/release

install: build
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf build
