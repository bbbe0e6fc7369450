/*
 * Facts about the LLVM that waot was built against, for `waot --version`
 * and the compiler version recorded in precompiled modules.
 */
#ifndef AOT_LLVM_INFO_H
#define AOT_LLVM_INFO_H

/* "MAJOR.MINOR.PATCH" of the libLLVM loaded at run time. */
const char *aot_llvm_version(void);

/* waot's own version, "MAJOR.MINOR.PATCH". */
const char *aot_waot_version(void);

#endif
