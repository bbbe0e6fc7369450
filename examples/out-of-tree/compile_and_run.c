/*
 * Compiling in the program itself: the compiler library (waot_compile.h)
 * validates and compiles gcd.wasm into a precompiled module in memory, and
 * the runtime loads and calls it.  The compiler loads its LLVM back end on
 * the first compile; a program outside the install tells it where the
 * back end is with $WAOT_CODEGEN, defaulting here to the installed one
 * (WAOT_CODEGEN_LIBRARY, from the CMake package).
 *
 * Usage: compile_and_run FILE.wasm A B   prints "gcd(A, B) = N"
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <waot.h>
#include <waot_compile.h>

#include <stdio.h>
#include <stdlib.h>

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *bytes = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (bytes = malloc((size_t)n + 1)) &&
        fread(bytes, 1, (size_t)n, f) != (size_t)n) {
        free(bytes);
        bytes = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return bytes;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s FILE.wasm A B\n", argv[0]);
        return 2;
    }
    setenv("WAOT_CODEGEN", WAOT_CODEGEN_LIBRARY, 0);
    size_t size, compiled_size;
    uint8_t *bytes = read_file(argv[1], &size), *compiled = NULL;
    if (!bytes) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    waot_compile_error cerr;
    waot_compile_status cs = waot_compile_to_memory(bytes, size, NULL, &compiled,
                                                    &compiled_size, &cerr);
    free(bytes);
    if (cs != WAOT_COMPILE_OK) {
        fprintf(stderr, "%s: %s: %s\n", argv[1], waot_compile_status_name(cs), cerr.message);
        return 1;
    }
    waot_error err = {0};
    waot_module *module = NULL;
    waot_linker *linker = NULL;
    waot_instance *instance = NULL;
    int status = 1;
    waot_value args[2] = {
        {.type = WAOT_ABI_I32, .of.i32 = atoi(argv[2])},
        {.type = WAOT_ABI_I32, .of.i32 = atoi(argv[3])},
    };
    waot_value result;
    if (waot_module_load_memory(compiled, compiled_size, &module, &err) != WAOT_OK ||
        waot_linker_new(&linker) != WAOT_OK ||
        waot_instantiate(linker, module, &instance, &err) != WAOT_OK ||
        waot_call(instance, "gcd", args, 2, &result, 1, &err) != WAOT_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        goto done;
    }
    printf("gcd(%s, %s) = %d\n", argv[2], argv[3], result.of.i32);
    status = 0;
done:
    waot_instance_free(instance);
    waot_linker_free(linker);
    waot_module_free(module);
    free(compiled);
    return status;
}
