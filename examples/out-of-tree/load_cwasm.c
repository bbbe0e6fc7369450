/*
 * A program that only loads a precompiled module: it links the waot runtime
 * alone (no LLVM), loads gcd.cwasm (compiled at build time by the installed
 * `waot compile`), instantiates it and calls its export by name.
 *
 * Usage: load_cwasm FILE.cwasm A B   prints "gcd(A, B) = N"
 */
#include <waot.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s FILE.cwasm A B\n", argv[0]);
        return 2;
    }
    waot_error err = {0};
    waot_module *module = NULL;
    waot_linker *linker = NULL;
    waot_instance *instance = NULL;
    int status = 1;
    if (waot_module_load(argv[1], &module, &err) != WAOT_OK ||
        waot_linker_new(&linker) != WAOT_OK ||
        waot_instantiate(linker, module, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        goto done;
    }
    waot_value args[2] = {
        {.type = WAOT_ABI_I32, .of.i32 = atoi(argv[2])},
        {.type = WAOT_ABI_I32, .of.i32 = atoi(argv[3])},
    };
    waot_value result;
    if (waot_call(instance, "gcd", args, 2, &result, 1, &err) != WAOT_OK) {
        fprintf(stderr, "gcd: %s\n", err.message);
        goto done;
    }
    printf("gcd(%s, %s) = %d\n", argv[2], argv[3], result.of.i32);
    status = 0;
done:
    waot_instance_free(instance);
    waot_linker_free(linker);
    waot_module_free(module);
    return status;
}
