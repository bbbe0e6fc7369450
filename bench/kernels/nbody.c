/*
 * nbody: gravitational N-body simulation of 64 bodies with softened
 * forces and a symplectic Euler integrator (argv[1] = number of time
 * steps).  Stresses scalar double-precision arithmetic: the pairwise
 * force loop is dominated by sqrt, division and dependent multiply/add
 * chains, with small working sets that live in L1.  Only correctly
 * rounded IEEE operations (+ - * / sqrt) are used and contraction is
 * disabled, so the result is bit-identical everywhere; the printed
 * checksum hashes positions rounded to 1e-6 together with the energy.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#pragma STDC FP_CONTRACT OFF

#define NB 64

static uint64_t rng_state = 0x6e626f6479303031ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* uniform in [lo, hi) with 2^-24 granularity */
static double rand_range(double lo, double hi)
{
    double u = (double)(rng_next() >> 40) / 16777216.0;
    return lo + (hi - lo) * u;
}

struct bodies {
    double x[NB], y[NB], z[NB];
    double vx[NB], vy[NB], vz[NB];
    double m[NB];
};

static const double soft2 = 0.01;

static void step(struct bodies *s, double dt)
{
    double ax[NB] = {0}, ay[NB] = {0}, az[NB] = {0};
    for (int i = 0; i < NB; i++) {
        const double xi = s->x[i], yi = s->y[i], zi = s->z[i];
        const double mi = s->m[i];
        double axi = 0, ayi = 0, azi = 0;
        for (int j = i + 1; j < NB; j++) {
            double dx = s->x[j] - xi;
            double dy = s->y[j] - yi;
            double dz = s->z[j] - zi;
            double r2 = dx * dx + dy * dy + dz * dz + soft2;
            double r = sqrt(r2);
            double inv3 = 1.0 / (r2 * r);
            double fi = s->m[j] * inv3;
            double fj = mi * inv3;
            axi += dx * fi;
            ayi += dy * fi;
            azi += dz * fi;
            ax[j] -= dx * fj;
            ay[j] -= dy * fj;
            az[j] -= dz * fj;
        }
        ax[i] += axi;
        ay[i] += ayi;
        az[i] += azi;
    }
    for (int i = 0; i < NB; i++) {
        s->vx[i] += dt * ax[i];
        s->vy[i] += dt * ay[i];
        s->vz[i] += dt * az[i];
        s->x[i] += dt * s->vx[i];
        s->y[i] += dt * s->vy[i];
        s->z[i] += dt * s->vz[i];
    }
}

static double energy(const struct bodies *s)
{
    double e = 0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * s->m[i] *
             (s->vx[i] * s->vx[i] + s->vy[i] * s->vy[i] + s->vz[i] * s->vz[i]);
        for (int j = i + 1; j < NB; j++) {
            double dx = s->x[j] - s->x[i];
            double dy = s->y[j] - s->y[i];
            double dz = s->z[j] - s->z[i];
            e -= s->m[i] * s->m[j] / sqrt(dx * dx + dy * dy + dz * dz + soft2);
        }
    }
    return e;
}

static uint64_t mix(uint64_t h, double v)
{
    int64_t q = (int64_t)llround(v * 1e6);
    h = (h ^ (uint64_t)q) * 0x100000001b3ull;
    return h ^ (h >> 31);
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 50000;
    static struct bodies s;
    for (int i = 0; i < NB; i++) {
        s.x[i] = rand_range(-10, 10);
        s.y[i] = rand_range(-10, 10);
        s.z[i] = rand_range(-10, 10);
        s.vx[i] = rand_range(-0.5, 0.5);
        s.vy[i] = rand_range(-0.5, 0.5);
        s.vz[i] = rand_range(-0.5, 0.5);
        s.m[i] = rand_range(0.5, 1.5);
    }
    for (int t = 0; t < steps; t++)
        step(&s, 0.001);

    uint64_t h = 0xcbf29ce484222325ull;
    h = mix(h, energy(&s));
    for (int i = 0; i < NB; i++) {
        h = mix(h, s.x[i]);
        h = mix(h, s.y[i]);
        h = mix(h, s.z[i]);
    }
    printf("nbody %016" PRIx64 "\n", h);
    return 0;
}
