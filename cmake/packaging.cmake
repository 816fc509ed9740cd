# SPDX-License-Identifier: MIT
# The Debian package (`make package`): CPack's DEB generator over what
# `cmake --install` installs, in one package, filemap: both libraries with
# their sonames, headers, pkg-config and CMake files, man pages, the tool
# and its completions, and the store's systemd-tmpfiles snippet
# (/usr/lib/tmpfiles.d/filemap.conf: a root-owned store from the next boot).  `make package` configures a release build for
# prefix /usr (so that libraries land in the multiarch directory and zsh's
# completion in Debian's vendor-completions) and checks the result with
# tests/test-package.sh; ctest runs the same check on a package of its own
# build tree.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME filemap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Windows file-mapping semantics for Linux: named shared memory and sync objects")
set(CPACK_PACKAGE_DESCRIPTION
  "Named sections of shared memory, views, and named mutexes, events and semaphores
whose names live exactly as long as some process holds them, with no daemon.
A native C API (filemap.h), a Win32 layer (<windows.h>, libfilemap-win32),
and the filemap tool to list, watch, inspect and clean up the store.")
set(CPACK_PACKAGE_CONTACT "the filemap authors")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "the filemap authors")
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # filemap_<version>_<arch>.deb
# What the libraries and the tool need (glibc 2.30: see the README).
# Written out, so that building the package needs no dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.30)")
# A shlibs file for packages that link libfilemap, and postinst and postrm
# scripts that run ldconfig, so that the loader finds libfilemap.so.0 at once.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# Any later release with the same soname will do (the ABI policy, README).
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_STRIP_FILES ON)
include(CPack)
