/*
 * blur_simd: 3x3 box blur of a 1920x1080 8-bit greyscale image, applied
 * argv[1] times (ping-ponging between two buffers).  The interior is
 * computed 16 pixels at a time with explicit 128-bit SIMD: wasm SIMD128
 * intrinsics (<wasm_simd128.h>) when __wasm_simd128__ is defined, SSE2/
 * SSE4.1 intrinsics otherwise; borders and leftover columns use the same
 * arithmetic in scalar code.  Each output is (sum of 9 pixels + 4) / 9,
 * computed as ((s + 4) * 7282) >> 16, which is exact for s <= 2295.
 * Stresses unaligned 128-bit loads/stores, u8->u16 widening, 16-bit
 * adds, high-half multiplies and saturating narrowing.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE4_1__)
#include <immintrin.h>
#else
#error "blur_simd needs -msimd128 (wasm) or -msse4.1 (x86)"
#endif

#define W 1920
#define H 1080

static uint64_t rng_state = 0x626c757273696d64ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint8_t div9(uint32_t s)
{
    return (uint8_t)(((s + 4) * 7282u) >> 16);
}

static inline int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* scalar pixel with clamp-to-edge addressing */
static inline uint8_t blur_px(const uint8_t *src, int x, int y)
{
    uint32_t s = 0;
    for (int dy = -1; dy <= 1; dy++) {
        const uint8_t *row = src + (size_t)clampi(y + dy, 0, H - 1) * W;
        for (int dx = -1; dx <= 1; dx++)
            s += row[clampi(x + dx, 0, W - 1)];
    }
    return div9(s);
}

#if defined(__wasm_simd128__)
static inline void blur16(const uint8_t *r0, const uint8_t *r1,
                          const uint8_t *r2, uint8_t *out)
{
    const uint8_t *rows[3] = {r0, r1, r2};
    v128_t lo = wasm_i16x8_splat(4), hi = wasm_i16x8_splat(4);
    for (int r = 0; r < 3; r++) {
        for (int dx = -1; dx <= 1; dx++) {
            v128_t v = wasm_v128_load(rows[r] + dx);
            lo = wasm_i16x8_add(lo, wasm_u16x8_extend_low_u8x16(v));
            hi = wasm_i16x8_add(hi, wasm_u16x8_extend_high_u8x16(v));
        }
    }
    const v128_t k = wasm_i16x8_splat(7282);
    v128_t lo_a = wasm_u32x4_shr(wasm_u32x4_extmul_low_u16x8(lo, k), 16);
    v128_t lo_b = wasm_u32x4_shr(wasm_u32x4_extmul_high_u16x8(lo, k), 16);
    v128_t hi_a = wasm_u32x4_shr(wasm_u32x4_extmul_low_u16x8(hi, k), 16);
    v128_t hi_b = wasm_u32x4_shr(wasm_u32x4_extmul_high_u16x8(hi, k), 16);
    v128_t q_lo = wasm_u16x8_narrow_i32x4(lo_a, lo_b);
    v128_t q_hi = wasm_u16x8_narrow_i32x4(hi_a, hi_b);
    wasm_v128_store(out, wasm_u8x16_narrow_i16x8(q_lo, q_hi));
}
#else
static inline void blur16(const uint8_t *r0, const uint8_t *r1,
                          const uint8_t *r2, uint8_t *out)
{
    const uint8_t *rows[3] = {r0, r1, r2};
    const __m128i zero = _mm_setzero_si128();
    __m128i lo = _mm_set1_epi16(4), hi = _mm_set1_epi16(4);
    for (int r = 0; r < 3; r++) {
        for (int dx = -1; dx <= 1; dx++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(rows[r] + dx));
            lo = _mm_add_epi16(lo, _mm_cvtepu8_epi16(v));
            hi = _mm_add_epi16(hi, _mm_unpackhi_epi8(v, zero));
        }
    }
    const __m128i k = _mm_set1_epi16(7282);
    __m128i q_lo = _mm_mulhi_epu16(lo, k);
    __m128i q_hi = _mm_mulhi_epu16(hi, k);
    _mm_storeu_si128((__m128i *)out, _mm_packus_epi16(q_lo, q_hi));
}
#endif

static void blur(const uint8_t *src, uint8_t *dst)
{
    for (int x = 0; x < W; x++) {
        dst[x] = blur_px(src, x, 0);
        dst[(size_t)(H - 1) * W + x] = blur_px(src, x, H - 1);
    }
    for (int y = 1; y < H - 1; y++) {
        const uint8_t *r0 = src + (size_t)(y - 1) * W;
        const uint8_t *r1 = r0 + W;
        const uint8_t *r2 = r1 + W;
        uint8_t *out = dst + (size_t)y * W;
        out[0] = blur_px(src, 0, y);
        int x = 1;
        for (; x + 16 <= W - 1; x += 16)
            blur16(r0 + x, r1 + x, r2 + x, out + x);
        for (; x < W; x++)
            out[x] = blur_px(src, x, y);
    }
}

int main(int argc, char **argv)
{
    int passes = argc > 1 ? atoi(argv[1]) : 700;
    uint8_t *a = malloc((size_t)W * H);
    uint8_t *b = malloc((size_t)W * H);
    if (!a || !b) {
        fprintf(stderr, "blur_simd: out of memory\n");
        return 1;
    }
    /* noise plus a gradient and a few sharp bands so blurring has work */
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            uint32_t noise = (uint32_t)(rng_next() >> 56);
            uint32_t v = (noise + (uint32_t)x / 8 + (uint32_t)y / 5) & 255;
            if (((x / 97) ^ (y / 61)) & 1)
                v = 255 - v;
            a[(size_t)y * W + x] = (uint8_t)v;
        }
    }
    for (int p = 0; p < passes; p++) {
        blur(a, b);
        uint8_t *t = a;
        a = b;
        b = t;
        /* re-inject a little noise so the image does not converge */
        a[(size_t)(rng_next() % ((uint64_t)W * H))] ^= 0xff;
    }
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < (size_t)W * H; i += 8) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++)
            w |= (uint64_t)a[i + k] << (8 * k);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    printf("blur_simd %016" PRIx64 "\n", h);
    free(a);
    free(b);
    return 0;
}
