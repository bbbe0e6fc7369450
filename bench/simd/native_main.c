/*
 * The native side of the SIMD benchmark: runs the same kernel as the wasm
 * build and prints its checksum in the format of `waot run` (i32:N).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

uint32_t bench(uint32_t rounds);

int main(int argc, char **argv)
{
    uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100;
    printf("i32:%d\n", (int32_t)bench(rounds));
    return 0;
}
