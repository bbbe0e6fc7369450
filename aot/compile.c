/*
 * The back end's pipeline for one module, top to bottom: choose the target,
 * lower every function to LLVM IR, add the descriptor, verify, optimise,
 * then emit what was asked for (for a precompiled module: an object in a
 * temporary file, linked by lld into the output).  Each phase is timed.
 */
#include "codegen.h"
#include "header.h"
#include "descriptor.h"
#include "link.h"
#include "llvm_info.h"
#include "lower.h"
#include "sha256.h"

#include <llvm-c/Analysis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool aot_compile(const aot_module *m, const aot_compile_options *o, const char *output_path,
                 aot_compile_timings *timings, aot_error *err);

static double compile_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool compile_verify(LLVMModuleRef mod, aot_error *err)
{
    char *message = NULL;
    if (!LLVMVerifyModule(mod, LLVMReturnStatusAction, &message)) {
        LLVMDisposeMessage(message);
        return true;
    }
    /* The first line says what is wrong; the rest is IR. */
    char *newline = message ? strchr(message, '\n') : NULL;
    if (newline)
        *newline = '\0';
    aot_fail(err, AOT_ERR_LIMIT, 0, "internal error: invalid LLVM IR: %s", message ? message : "");
    LLVMDisposeMessage(message);
    return false;
}

/* For an object linked into a program (a symbol prefix given): a global
 * alias for each exported function the module defines, named as the
 * generated header expects, so its wrappers call the code directly. */
static bool compile_export_aliases(lower_module *lm, const char *prefix, aot_error *err)
{
    const aot_module *m = lm->m;
    for (uint32_t i = 0; i < m->export_count; i++) {
        const aot_export *e = &m->exports[i];
        if (e->kind != AOT_EXTERN_FUNC || e->index < m->imported_func_count)
            continue;
        char symbol[AOT_HEADER_SYMBOL_MAX];
        if (!aot_header_export_symbol(m, prefix, i, symbol, sizeof symbol))
            return aot_fail(err, AOT_ERR_LIMIT, 0, "export %u: symbol name too long", i);
        LLVMValueRef fn = lm->funcs[e->index];
        LLVMValueRef alias = LLVMAddAlias2(lm->mod, LLVMGlobalGetValueType(fn), 0, fn, symbol);
        LLVMSetLinkage(alias, LLVMExternalLinkage);
        LLVMSetVisibility(alias, LLVMDefaultVisibility);
    }
    return true;
}

static bool compile_output(LLVMModuleRef mod, const aot_target *t, const aot_compile_options *o,
                           const char *output_path, aot_compile_timings *timings, aot_error *err)
{
    double start = compile_now();
    switch (o->emit) {
    case AOT_EMIT_LLVM_IR: {
        char *message = NULL;
        if (LLVMPrintModuleToFile(mod, output_path, &message)) {
            aot_fail(err, AOT_ERR_IO, 0, "cannot write %s: %s", output_path, message ? message : "");
            LLVMDisposeMessage(message);
            return false;
        }
        timings->emit = compile_now() - start;
        return true;
    }
    case AOT_EMIT_ASM:
    case AOT_EMIT_OBJECT: {
        bool ok = aot_emit_file(mod, t, o->emit == AOT_EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile,
                                output_path, err);
        timings->emit = compile_now() - start;
        return ok;
    }
    case AOT_EMIT_CWASM:
        break;
    }
    char object_path[] = "/tmp/waot-object-XXXXXX";
    int fd = mkstemp(object_path);
    if (fd < 0)
        return aot_fail(err, AOT_ERR_IO, 0, "cannot create a temporary object file");
    close(fd);
    bool ok = aot_emit_file(mod, t, LLVMObjectFile, object_path, err);
    timings->emit = compile_now() - start;
    start = compile_now();
    ok = ok && aot_link_shared(object_path, output_path, err);
    timings->link = compile_now() - start;
    unlink(object_path);
    return ok;
}

bool aot_compile(const aot_module *m, const aot_compile_options *o, const char *output_path,
                 aot_compile_timings *timings, aot_error *err)
{
    memset(timings, 0, sizeof *timings);
    aot_target target;
    if (!aot_target_create(o, &target, err))
        return false;
    LLVMContextRef llvm = LLVMContextCreate();
    lower_module lm;
    bool ok = lower_init_module(&lm, m, llvm, "wasm", err);
    LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(target.machine);
    if (ok) {
        LLVMSetTarget(lm.mod, target.triple);
        LLVMSetModuleDataLayout(lm.mod, layout);
    }

    double start = compile_now();
    ok = ok && lower_functions(&lm, m->imported_func_count, m->func_count);
    if (ok) {
        char version[96];
        snprintf(version, sizeof version, "waot %s (LLVM %s)", o->waot_version, aot_llvm_version());
        aot_descriptor_info info = {.compiler_version = version,
                                    .target_triple = target.triple,
                                    .cpu_name = target.cpu,
                                    .cpu_features = target.features,
                                    .symbol_prefix = o->symbol_prefix};
        aot_sha256(o->wasm, o->wasm_size, info.wasm_sha256);
        ok = aot_emit_descriptor(&lm, layout, &info) &&
             (!o->symbol_prefix || compile_export_aliases(&lm, o->symbol_prefix, err)) &&
             compile_verify(lm.mod, err);
    }
    timings->lower = compile_now() - start;

    start = compile_now();
    ok = ok && aot_optimise(lm.mod, &target, o->opt_level, err);
    timings->optimise = compile_now() - start;

    ok = ok && compile_output(lm.mod, &target, o, output_path, timings, err);

    lower_dispose_module(&lm);
    if (lm.mod)
        LLVMDisposeModule(lm.mod);
    LLVMDisposeTargetData(layout);
    LLVMContextDispose(llvm);
    aot_target_dispose(&target);
    return ok;
}
