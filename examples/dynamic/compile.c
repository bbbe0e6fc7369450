/*
 * examples/dynamic, the compiling half: a program that turns a .wasm into
 * native code at run time with the compiler API (waot_compile.h) and runs
 * it with the runtime API (waot.h), without writing a file.
 *
 * Usage: waot-example-compile GREET.wasm
 *
 * Validates the module (and shows what a malformed one reports), shows a
 * compile error (an unknown target), compiles it to memory for this machine, loads the result, binds the imports and
 * calls add.  Links the compiler library, which loads the LLVM back end
 * (libwaot-codegen.so) on the first compile; see waot_compile.h for where
 * it looks.  Exits 0 when every check passed.
 */
#include "waot.h"
#include "waot_compile.h"

#include <stdio.h>
#include <stdlib.h>

static uint8_t *compile_read(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *bytes = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (bytes = malloc((size_t)n + 1)) &&
            fread(bytes, 1, (size_t)n, f) != (size_t)n) {
            free(bytes);
            bytes = NULL;
        }
        *size = (size_t)n;
    }
    fclose(f);
    return bytes;
}

static void compile_log(waot_abi_host_closure *closure, const waot_abi_value *args,
                        waot_abi_value *results)
{
    waot_memory *memory = waot_caller_memory(closure, 0);
    uint32_t ptr = (uint32_t)args[0].i32, len = (uint32_t)args[1].i32;
    char text[64] = "";
    if (!memory || len >= sizeof text || waot_memory_read(memory, ptr, text, len) != WAOT_OK)
        waot_host_trap(closure);
    printf("log: %s\n", text);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s GREET.wasm\n", argv[0]);
        return 2;
    }
    size_t size;
    uint8_t *wasm = compile_read(argv[1], &size);
    if (!wasm) {
        perror(argv[1]);
        return 1;
    }
    waot_compile_error cerr;
    static const uint8_t junk[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
    waot_compile_status cs = waot_compile_validate(junk, sizeof junk, &cerr);
    printf("validate junk: %s at 0x%zx: %s\n", waot_compile_status_name(cs), cerr.offset,
           cerr.message);
    if (cs != WAOT_COMPILE_MALFORMED)
        return 1;
    if (waot_compile_validate(wasm, size, &cerr) != WAOT_COMPILE_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], cerr.message);
        return 1;
    }

    /* A CompileError: the back end refuses a target it does not know. */
    waot_compile_options options = waot_compile_default_options();
    options.target = "nosuch-unknown-none";
    uint8_t *native;
    size_t native_size;
    cs = waot_compile_to_memory(wasm, size, &options, &native, &native_size, &cerr);
    printf("compile for %s: %s: %s\n", options.target, waot_compile_status_name(cs),
           cerr.message);
    if (cs != WAOT_COMPILE_FAILED)
        return 1;

    options = waot_compile_default_options();
    options.opt_level = 1;
    cs = waot_compile_to_memory(wasm, size, &options, &native, &native_size, &cerr);
    free(wasm);
    if (cs != WAOT_COMPILE_OK) {
        fprintf(stderr, "%s: %s: %s\n", argv[1], waot_compile_status_name(cs), cerr.message);
        return 1;
    }
    printf("compiled %zu bytes of wasm into %zu bytes of native code\n", size, native_size);

    waot_error err;
    waot_module *module;
    waot_status status = waot_module_load_memory(native, native_size, &module, &err);
    free(native);
    if (status != WAOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    waot_linker *linker;
    static const uint8_t log_params[] = {WAOT_ABI_I32, WAOT_ABI_I32};
    waot_value scale = {.type = WAOT_ABI_I32, .of.i32 = 2};
    waot_instance *instance;
    if (waot_linker_new(&linker) != WAOT_OK ||
        waot_linker_define_func(linker, "env", "log", log_params, 2, NULL, 0, compile_log,
                                NULL) != WAOT_OK ||
        waot_linker_define_global(linker, "env", "scale", scale, false) != WAOT_OK ||
        waot_instantiate(linker, module, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "instantiate: %s\n", err.message);
        return 1;
    }
    waot_value args[2] = {{.type = WAOT_ABI_I32, .of.i32 = 20},
                          {.type = WAOT_ABI_I32, .of.i32 = 1}};
    waot_value result;
    status = waot_call(instance, "greet", NULL, 0, NULL, 0, &err);
    if (status == WAOT_OK)
        status = waot_call(instance, "add", args, 2, &result, 1, &err);
    if (status != WAOT_OK) {
        fprintf(stderr, "call: %s\n", err.message);
        return 1;
    }
    printf("(20 + 1) * 2 = %d\n", (int)result.of.i32);
    waot_instance_free(instance);
    waot_linker_free(linker);
    waot_module_free(module);
    return result.of.i32 == 42 ? 0 : 1;
}
