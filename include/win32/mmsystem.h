/* SPDX-License-Identifier: MIT */
/*
 * mmsystem.h - the multimedia timer calls that telemetry loops use (see
 * <timeapi.h>); the rest of the multimedia API is not provided.
 */
#ifndef FILEMAP_WIN32_MMSYSTEM_H
#define FILEMAP_WIN32_MMSYSTEM_H

#include "timeapi.h"

#endif /* FILEMAP_WIN32_MMSYSTEM_H */
