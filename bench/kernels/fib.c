/*
 * fib: naive doubly-recursive Fibonacci, fib(argv[1]), plus a small
 * Ackermann evaluation.  Stresses direct calls and returns: prologue and
 * epilogue cost, shadow/native stack traffic for spilled values, and
 * call-depth bookkeeping, with almost no other work per call.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static uint64_t fib(uint32_t n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 42;
    if (n > 60)
        n = 60;
    uint64_t f = fib(n);
    /* ack(2, k) = 2k + 3 with about 2k^2 calls and recursion depth ~2k */
    uint32_t a = ack(2, n * 20);
    uint64_t h = 0xcbf29ce484222325ull;
    h = (h ^ f) * 0x100000001b3ull;
    h = (h ^ a) * 0x100000001b3ull;
    printf("fib %016" PRIx64 "\n", h);
    return 0;
}
