/*
 * aot/sha256.c against the test vectors of FIPS 180-2 (appendix B) and at
 * the lengths where the padding takes one block or two; the boundary
 * digests were computed with an independent implementation (Python's
 * hashlib).  On a CPU with the SHA extensions this tests that path.
 */
#include "sha256.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sha256_expect(const void *data, size_t size, const char *hex)
{
    uint8_t digest[32];
    char got[65];
    aot_sha256(data, size, digest);
    for (int i = 0; i < 32; i++)
        snprintf(got + 2 * i, 3, "%02x", digest[i]);
    cr_expect_str_eq(got, hex, "SHA-256 of %zu bytes", size);
}

Test(sha256, standard_vectors)
{
    sha256_expect("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_expect("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_expect(two_blocks, strlen(two_blocks),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, one_million_a)
{
    size_t n = 1000000;
    char *a = malloc(n);
    cr_assert_not_null(a);
    memset(a, 'a', n);
    sha256_expect(a, n, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* A message whose padding fits in its last block (55 bytes) and one whose
 * padding needs another (56 bytes). */
Test(sha256, padding_boundaries)
{
    char a[64];
    memset(a, 'a', sizeof a);
    sha256_expect(a, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    sha256_expect(a, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    sha256_expect(a, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
