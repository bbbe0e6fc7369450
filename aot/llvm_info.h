/*
 * Facts about the LLVM the back end runs with, for `waot --version` and,
 * later, the compiler version recorded in precompiled modules.  Part of the
 * back end: only code inside libwaot-codegen.so may call it.
 */
#ifndef AOT_LLVM_INFO_H
#define AOT_LLVM_INFO_H

/* "MAJOR.MINOR.PATCH" of the libLLVM loaded at run time. */
const char *aot_llvm_version(void);

#endif
