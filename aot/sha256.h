/*
 * SHA-256 (FIPS 180-4), for the source hash a precompiled module records and
 * the compiled-module cache keys on.
 */
#ifndef AOT_SHA256_H
#define AOT_SHA256_H

#include <stddef.h>
#include <stdint.h>

void aot_sha256(const void *data, size_t size, uint8_t digest[32]);

#endif
