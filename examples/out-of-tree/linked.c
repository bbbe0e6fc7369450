/*
 * gcd.wasm linked into the program as an object: waot_add_wasm_library()
 * compiled it at build time into gcd.o and gcd.h, whose typed API this
 * program calls directly, with native C types and no loading at run time.
 *
 * Usage: linked A B   prints "gcd(A, B) = N"
 */
#include "gcd.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s A B\n", argv[0]);
        return 2;
    }
    waot_error err = {0};
    gcd_instance *instance = NULL;
    /* The module imports nothing, so no gcd_imports. */
    if (gcd_instantiate(NULL, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "instantiating gcd: %s\n", err.message);
        return 1;
    }
    int32_t result = gcd_gcd(instance, atoi(argv[1]), atoi(argv[2]));
    /* A trap returns 0 and is recorded in the instance. */
    if (gcd_last_status(instance, &err) != WAOT_OK) {
        fprintf(stderr, "gcd: %s\n", err.message);
        gcd_free(instance);
        return 1;
    }
    printf("gcd(%s, %s) = %d\n", argv[1], argv[2], result);
    gcd_free(instance);
    return 0;
}
