/*
 * The back end's one exported symbol: the table of entry points the front
 * end calls through (see codegen_api.h).
 */
#include "codegen_api.h"
#include "llvm_info.h"

const aot_codegen_api *aot_codegen_entry(void);

__attribute__((visibility("default"))) const aot_codegen_api *aot_codegen_entry(void)
{
    static const aot_codegen_api api = {
        .api_version = AOT_CODEGEN_API_VERSION,
        .llvm_version = aot_llvm_version,
    };
    return &api;
}
