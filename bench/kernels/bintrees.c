/*
 * bintrees: repeatedly builds complete binary trees of malloc'ed nodes
 * with depths 4..D (argv[1] = D), walks each one computing a checksum
 * over node values, and frees it node by node; one tree of depth D-2 is
 * kept alive throughout so the heap is not empty.  Stresses the
 * allocator (malloc/free fast paths and free-list reuse), pointer
 * chasing, and recursion.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
    struct node *left, *right;
    uint32_t value;
};

static uint32_t lcg_state = 12345u;

static uint32_t next_value(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

static struct node *build(int depth)
{
    struct node *n = malloc(sizeof *n);
    if (!n) {
        fprintf(stderr, "bintrees: out of memory\n");
        exit(1);
    }
    n->value = next_value();
    if (depth > 0) {
        n->left = build(depth - 1);
        n->right = build(depth - 1);
    } else {
        n->left = n->right = NULL;
    }
    return n;
}

static uint64_t walk(const struct node *n, uint32_t level)
{
    uint64_t s = (uint64_t)n->value * (level + 1);
    if (n->left)
        s += walk(n->left, level + 1) ^ walk(n->right, level + 1) * 3;
    return s;
}

static void release(struct node *n)
{
    if (n->left) {
        release(n->left);
        release(n->right);
    }
    free(n);
}

int main(int argc, char **argv)
{
    int maxd = argc > 1 ? atoi(argv[1]) : 18;
    if (maxd < 6)
        maxd = 6;
    if (maxd > 24)
        maxd = 24;
    struct node *keep = build(maxd - 2);
    uint64_t h = 0xcbf29ce484222325ull;
    for (int d = 4; d <= maxd; d++) {
        uint32_t iters = 1u << (maxd - d + 2);
        uint64_t sum = 0;
        for (uint32_t i = 0; i < iters; i++) {
            struct node *t = build(d);
            sum += walk(t, 0);
            release(t);
        }
        h = (h ^ sum) * 0x100000001b3ull;
    }
    h = (h ^ walk(keep, 0)) * 0x100000001b3ull;
    release(keep);
    printf("bintrees %016" PRIx64 "\n", h);
    return 0;
}
