/*
 * Target machines, the pass pipeline and object emission, through the
 * LLVM-C API.  The host CPU and its features are the default so that `run`
 * and the cache get the best code for this machine; --target and --cpu make
 * portable or cross artifacts.  Position-independent code, because a
 * precompiled module is a shared object loaded anywhere.
 */
#include "codegen.h"

#include <llvm-c/Error.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdio.h>
#include <string.h>

static void codegen_init_targets(void)
{
    static bool done;
    if (done)
        return;
    LLVMInitializeAllTargetInfos();
    LLVMInitializeAllTargets();
    LLVMInitializeAllTargetMCs();
    LLVMInitializeAllAsmPrinters();
    done = true;
}

bool aot_target_create(const aot_compile_options *o, aot_target *out, aot_error *err)
{
    codegen_init_targets();
    memset(out, 0, sizeof *out);
    out->triple = o->target_triple ? LLVMNormalizeTargetTriple(o->target_triple)
                                   : LLVMGetDefaultTargetTriple();
    bool host = o->target_triple == NULL;
    out->cpu = o->cpu ? LLVMCreateMessage(o->cpu)
                      : host ? LLVMGetHostCPUName() : LLVMCreateMessage("generic");
    out->features = o->features ? LLVMCreateMessage(o->features)
                    : host && !o->cpu ? LLVMGetHostCPUFeatures() : LLVMCreateMessage("");
    LLVMTargetRef target;
    char *message = NULL;
    if (LLVMGetTargetFromTriple(out->triple, &target, &message)) {
        aot_fail(err, AOT_ERR_LIMIT, 0, "unknown target '%s': %s", out->triple,
                 message ? message : "");
        LLVMDisposeMessage(message);
        aot_target_dispose(out);
        return false;
    }
    LLVMCodeGenOptLevel level = o->opt_level == 0   ? LLVMCodeGenLevelNone
                                : o->opt_level == 1 ? LLVMCodeGenLevelLess
                                : o->opt_level == 2 ? LLVMCodeGenLevelDefault
                                                    : LLVMCodeGenLevelAggressive;
    out->machine = LLVMCreateTargetMachine(target, out->triple, out->cpu, out->features, level,
                                           LLVMRelocPIC, LLVMCodeModelDefault);
    if (!out->machine) {
        aot_fail(err, AOT_ERR_LIMIT, 0, "cannot create a target machine for %s (cpu %s)",
                 out->triple, out->cpu);
        aot_target_dispose(out);
        return false;
    }
    return true;
}

void aot_target_dispose(aot_target *t)
{
    if (t->machine)
        LLVMDisposeTargetMachine(t->machine);
    LLVMDisposeMessage(t->triple);
    LLVMDisposeMessage(t->cpu);
    LLVMDisposeMessage(t->features);
    memset(t, 0, sizeof *t);
}

static bool codegen_copy_message(char *message, char *out, size_t size)
{
    size_t len = message ? strlen(message) : 0;
    bool fits = message && len < size;
    if (fits)
        memcpy(out, message, len + 1);
    else if (size)
        out[0] = '\0';
    LLVMDisposeMessage(message);
    return fits;
}

bool aot_host_target(char *triple, size_t triple_size, char *cpu, size_t cpu_size,
                     char *features, size_t features_size)
{
    bool ok = codegen_copy_message(LLVMGetDefaultTargetTriple(), triple, triple_size);
    ok = codegen_copy_message(LLVMGetHostCPUName(), cpu, cpu_size) && ok;
    return codegen_copy_message(LLVMGetHostCPUFeatures(), features, features_size) && ok;
}

bool aot_optimise(LLVMModuleRef mod, const aot_target *t, unsigned opt_level, aot_error *err)
{
    char pipeline[32];
    snprintf(pipeline, sizeof pipeline, "default<O%u>", opt_level > 3 ? 3 : opt_level);
    LLVMPassBuilderOptionsRef options = LLVMCreatePassBuilderOptions();
    LLVMErrorRef e = LLVMRunPasses(mod, pipeline, t->machine, options);
    LLVMDisposePassBuilderOptions(options);
    if (e) {
        char *message = LLVMGetErrorMessage(e);
        aot_fail(err, AOT_ERR_LIMIT, 0, "optimisation failed: %s", message);
        LLVMDisposeErrorMessage(message);
        return false;
    }
    return true;
}

bool aot_emit_file(LLVMModuleRef mod, const aot_target *t, LLVMCodeGenFileType kind,
                   const char *path, aot_error *err)
{
    char *message = NULL;
    /* LLVM's C API takes a mutable file name. */
    char name[4096];
    snprintf(name, sizeof name, "%s", path);
    if (LLVMTargetMachineEmitToFile(t->machine, mod, name, kind, &message)) {
        aot_fail(err, AOT_ERR_IO, 0, "cannot write %s: %s", path, message ? message : "");
        LLVMDisposeMessage(message);
        return false;
    }
    return true;
}
