// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the tracepoints of trace.h, defined here once.  The file uses
 * nothing else of the module's, so every layer may fire them.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
