/*
 * The LLVM target side of compilation: choosing the target machine, running
 * the optimisation pipeline, and writing object code, assembly or IR.
 */
#ifndef AOT_CODEGEN_H
#define AOT_CODEGEN_H

#include "codegen_api.h"

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

typedef struct aot_target {
    LLVMTargetMachineRef machine;
    char *triple;   /* LLVM-allocated strings, disposed with the target */
    char *cpu;
    char *features;
} aot_target;

bool aot_target_create(const aot_compile_options *o, aot_target *out, aot_error *err);
void aot_target_dispose(aot_target *t);

/* The host's triple, CPU and features, as aot_target_create picks them
 * without target options (aot_codegen_api.host_target). */
bool aot_host_target(char *triple, size_t triple_size, char *cpu, size_t cpu_size,
                     char *features, size_t features_size);

/* Runs LLVM's default<On> pipeline over the module. */
bool aot_optimise(LLVMModuleRef mod, const aot_target *t, unsigned opt_level, aot_error *err);

/* Writes an object file or assembly for the module to `path`. */
bool aot_emit_file(LLVMModuleRef mod, const aot_target *t, LLVMCodeGenFileType kind,
                   const char *path, aot_error *err);

#endif
