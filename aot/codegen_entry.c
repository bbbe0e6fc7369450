/*
 * The back end's one exported symbol: the table of entry points the front
 * end calls through (see codegen_api.h).
 */
#include "codegen.h"
#include "llvm_info.h"

const aot_codegen_api *aot_codegen_entry(void);
bool aot_compile(const aot_module *m, const aot_compile_options *o, const char *output_path,
                 aot_compile_timings *timings, aot_error *err);

__attribute__((visibility("default"))) const aot_codegen_api *aot_codegen_entry(void)
{
    static const aot_codegen_api api = {
        .api_version = AOT_CODEGEN_API_VERSION,
        .llvm_version = aot_llvm_version,
        .compile = aot_compile,
        .host_target = aot_host_target,
    };
    return &api;
}
