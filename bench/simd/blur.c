/*
 * The SIMD benchmark kernel: a 3x3 box blur over an 8-bit greyscale image,
 * written in plain C so that the same source is vectorised by clang both
 * for wasm32 with -msimd128 and for the host with 128-bit SSE vectors.
 *
 * bench(rounds) blurs the image `rounds` times (ping-ponging between two
 * buffers) and returns a checksum, so both builds can be checked to agree.
 */
#include <stdint.h>

enum { WIDTH = 1024, HEIGHT = 768 };

static uint8_t image_a[HEIGHT][WIDTH];
static uint8_t image_b[HEIGHT][WIDTH];

static void blur_rows(uint8_t (*restrict out)[WIDTH], const uint8_t (*restrict in)[WIDTH])
{
    for (int y = 1; y < HEIGHT - 1; y++) {
        const uint8_t *up = in[y - 1], *mid = in[y], *down = in[y + 1];
        uint8_t *dst = out[y];
        for (int x = 1; x < WIDTH - 1; x++) {
            unsigned sum = up[x - 1] + up[x] + up[x + 1] + mid[x - 1] + mid[x] + mid[x + 1] +
                           down[x - 1] + down[x] + down[x + 1];
            /* sum / 9 for sums up to 2295, as a multiply and shift */
            dst[x] = (uint8_t)((sum * 7282u) >> 16);
        }
    }
}

uint32_t bench(uint32_t rounds);

uint32_t bench(uint32_t rounds)
{
    uint32_t seed = 12345;
    for (int y = 0; y < HEIGHT; y++)
        for (int x = 0; x < WIDTH; x++) {
            seed = seed * 1103515245u + 12345u;
            image_a[y][x] = (uint8_t)(seed >> 24);
        }
    for (uint32_t r = 0; r < rounds; r++) {
        if (r & 1)
            blur_rows(image_a, (const uint8_t (*)[WIDTH])image_b);
        else
            blur_rows(image_b, (const uint8_t (*)[WIDTH])image_a);
    }
    const uint8_t (*result)[WIDTH] = rounds & 1 ? (const uint8_t (*)[WIDTH])image_b
                                                : (const uint8_t (*)[WIDTH])image_a;
    uint32_t checksum = 0;
    for (int y = 0; y < HEIGHT; y++)
        for (int x = 0; x < WIDTH; x++)
            checksum = checksum * 31u + result[y][x];
    return checksum;
}
