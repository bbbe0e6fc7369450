/*
 * What the host is: its architecture, OS and CPU features, compared with
 * what a precompiled module was built for.
 */
#ifndef WAOT_HOST_TARGET_INTERNAL_H
#define WAOT_HOST_TARGET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* The host's architecture as a target triple spells it ("x86_64"). */
const char *waot_rt_host_arch(void);
/* The host's OS as a target triple spells it ("linux"). */
const char *waot_rt_host_os(void);

/* Whether code for `triple` ("x86_64-unknown-linux-gnu") runs on this host:
 * same architecture (aliases like amd64 and arm64 accepted) and OS.  The
 * vendor and environment parts are not compared: a precompiled module has
 * no undefined symbols, so it does not depend on the C library. */
bool waot_rt_target_matches_host(const char *triple);

/* Checks an LLVM feature string ("+sse4.2,+avx2,-avx512f"): every feature
 * it enables that the runtime can test must be present.  Features it cannot
 * test (other architectures, unknown names) are ignored.  On failure writes
 * the missing ones to missing[cap] as "+a,+b". */
bool waot_rt_cpu_features_supported(const char *features, char *missing, size_t cap);

/* Whether the host CPU (and OS) support the LLVM feature `name`; false
 * when the runtime cannot test it, with *known false. */
bool waot_rt_host_has_cpu_feature(const char *name, bool *known);

#endif
