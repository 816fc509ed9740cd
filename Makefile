# SPDX-License-Identifier: MIT
# The two commands a newcomer needs: `make demo` and `make test`.
# Everything else is CMake (see CMakePresets.json); this file only drives it.

PRESET ?= dev
BUILD  := build/$(PRESET)

.PHONY: all build demo test test-asan test-tsan bench bench-scale bench-bridge install uninstall \
	package clean

RELEASE := build/release

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
# latest.json and latest.md into build/release/bench/results; with SAVE=1
# into bench/results, the tables the repository keeps (bench/README.md).
bench:
	$(MAKE) build PRESET=release
	python3 bench/run.py --build $(RELEASE)/bench $(if $(SAVE),--save)

# The scale benchmark at full size: 100,000 live names, 64 processes
# churning with SIGKILL, a 1 TiB reserved section, memory per object.  Its
# table goes to stderr and scale.json and scale.md to
# build/release/bench/results (SAVE=1: bench/results); it fails only when a
# correctness check does.
bench-scale:
	$(MAKE) build PRESET=release
	python3 bench/run.py --scale --build $(RELEASE)/bench $(if $(SAVE),--save)

# How long an event's set takes to cross `filemap bridge`, next to the same
# ping-pong natively and under Wine alone (needs wine64 and mingw-w64).
bench-bridge:
	$(MAKE) build PRESET=release
	sh bench/bridge-latency.sh $(RELEASE)

# Installs an optimised build (the release preset): into PREFIX, default
# /usr/local; DESTDIR=... stages it.  cmake records every file it installs
# in build/release/install_manifest.txt, which `make uninstall` removes.
install:
	$(MAKE) build PRESET=release
	cmake --install $(RELEASE) $(if $(PREFIX),--prefix $(PREFIX))

uninstall:
	cmake/uninstall.sh $(RELEASE)/install_manifest.txt

# The Debian package, build/package/filemap_<version>_<arch>.deb (CPack),
# built for prefix /usr and checked: its contents, and the demo built
# against it unpacked (tests/test-package.sh).
package:
	$(MAKE) build PRESET=package
	cd build/package && cpack -G DEB
	tests/test-package.sh build/package/filemap_*.deb .

clean:
	rm -rf build
