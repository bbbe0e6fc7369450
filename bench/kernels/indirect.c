/*
 * indirect: argv[1] calls through a table of 16 small functions, where
 * the table index of each call is taken from the running state, so the
 * callee sequence is data-dependent and unpredictable.  Stresses
 * indirect calls (call_indirect in wasm: table bounds and signature
 * checks) and the native indirect-branch predictor.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint32_t (*op_fn)(uint32_t x, uint32_t k);

#define NOINL __attribute__((noinline))
static NOINL uint32_t f0(uint32_t x, uint32_t k) { return x + k; }
static NOINL uint32_t f1(uint32_t x, uint32_t k) { return x ^ (k * 0x9e3779b9u); }
static NOINL uint32_t f2(uint32_t x, uint32_t k) { return x * 0x01000193u + 1; }
static NOINL uint32_t f3(uint32_t x, uint32_t k) { return (x << 5) | (x >> 27); }
static NOINL uint32_t f4(uint32_t x, uint32_t k) { return x - (k | 1); }
static NOINL uint32_t f5(uint32_t x, uint32_t k) { return x ^ (x >> 13) ^ k; }
static NOINL uint32_t f6(uint32_t x, uint32_t k) { return ~x + (k >> 3); }
static NOINL uint32_t f7(uint32_t x, uint32_t k) { return (x >> 9) | (x << 23); }
static NOINL uint32_t f8(uint32_t x, uint32_t k) { return x * 3 + k * 5; }
static NOINL uint32_t f9(uint32_t x, uint32_t k) { return (x & 0xffff) * 0x45d9f3bu + (x >> 16); }
static NOINL uint32_t f10(uint32_t x, uint32_t k) { return x + (x << 10) + k; }
static NOINL uint32_t f11(uint32_t x, uint32_t k) { return x ^ (x << 7) ^ 0x5bd1e995u; }
static NOINL uint32_t f12(uint32_t x, uint32_t k) { return (x ^ k) * 0x27d4eb2du; }
static NOINL uint32_t f13(uint32_t x, uint32_t k) { return x + 0x7f4a7c15u - (k << 2); }
static NOINL uint32_t f14(uint32_t x, uint32_t k) { return (x >> 3) ^ (x * 0x85ebca6bu); }
static NOINL uint32_t f15(uint32_t x, uint32_t k) { return x ^ (k + (x >> 11)); }

static op_fn table[16] = {f0, f1, f2,  f3,  f4,  f5,  f6,  f7,
                          f8, f9, f10, f11, f12, f13, f14, f15};

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 60000000u;
    uint32_t x = 0x12345678u;
    uint32_t hist = 0;
    for (uint32_t i = 0; i < n; i++) {
        /* mix the state before choosing so every index stays reachable */
        uint32_t sel = (x ^ (x >> 15) ^ (x >> 23)) & 15;
        x = table[sel](x, i);
        hist += sel;
    }
    uint64_t h = 0xcbf29ce484222325ull;
    h = (h ^ x) * 0x100000001b3ull;
    h = (h ^ hist) * 0x100000001b3ull;
    printf("indirect %016" PRIx64 "\n", h);
    return 0;
}
