/*
 * Asks the loaded libLLVM for its version through the C API, so a binary
 * linked against one LLVM and run against another says which it really got.
 */
#include "llvm_info.h"

#include <llvm-c/Core.h>
#include <stdio.h>

const char *aot_llvm_version(void)
{
    static char text[32];
    unsigned major, minor, patch;
    LLVMGetVersion(&major, &minor, &patch);
    snprintf(text, sizeof text, "%u.%u.%u", major, minor, patch);
    return text;
}
