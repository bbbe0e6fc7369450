/*
 * Clocks: the monotonic clock advances across a sleep (nanosleep is a
 * relative poll_oneoff clock subscription) and never goes back, realtime
 * is a plausible date, resolutions are sensible, CPU-time clocks advance
 * while computing, and poll_oneoff with an absolute deadline wakes after it.
 */
#include "check.h"
#include "raw.h"

#include <time.h>

static long long ns(clockid_t clock)
{
    struct timespec t;
    if (clock_gettime(clock, &t) != 0)
        return -1;
    return (long long)t.tv_sec * 1000000000ll + t.tv_nsec;
}

static volatile double sink;

static void burn(void)
{
    double x = 1;
    for (int i = 0; i < 20000000; i++)
        x = x * 1.0000001 + 1e-9;
    sink = x;
}

int main(void)
{
    long long m0 = ns(CLOCK_MONOTONIC);
    struct timespec nap = {.tv_sec = 0, .tv_nsec = 30 * 1000000};
    CHECK(nanosleep(&nap, NULL) == 0, "nanosleep 30 ms");
    long long m1 = ns(CLOCK_MONOTONIC);
    CHECK(m1 - m0 >= 30000000, "monotonic advanced by at least 30 ms");
    CHECK(m1 - m0 < 5000000000ll, "and by less than 5 s");
    long long prev = ns(CLOCK_MONOTONIC);
    int backwards = 0;
    for (int i = 0; i < 10000; i++) {
        long long now = ns(CLOCK_MONOTONIC);
        backwards |= now < prev;
        prev = now;
    }
    CHECK(!backwards, "monotonic never goes back");

    long long real = ns(CLOCK_REALTIME);
    CHECK(real > 1577836800ll * 1000000000ll, "realtime is after 2020");
    CHECK(real < 4102444800ll * 1000000000ll, "realtime is before 2100");
    time_t t = time(NULL);
    CHECK(t >= real / 1000000000ll - 1 && t <= real / 1000000000ll + 5, "time() agrees");

    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0,
          "monotonic resolution");
    CHECK(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0,
          "realtime resolution");

    long long p0 = ns(CLOCK_PROCESS_CPUTIME_ID), t0 = ns(CLOCK_THREAD_CPUTIME_ID);
    burn();
    long long p1 = ns(CLOCK_PROCESS_CPUTIME_ID), t1 = ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK(p0 >= 0 && p1 > p0, "process CPU time advances");
    CHECK(t0 >= 0 && t1 > t0, "thread CPU time advances");

    /* An absolute deadline 20 ms from now on the monotonic clock. */
    static uint8_t sub[48], event[32];
    uint64_t now;
    raw_clock_time_get(1, 0, P(&now));
    uint64_t deadline = now + 20000000, ud = 42;
    memcpy(sub, &ud, 8);
    uint32_t id = 1;
    memcpy(sub + 16, &id, 4);
    memcpy(sub + 24, &deadline, 8);
    uint16_t abstime = 1;
    memcpy(sub + 40, &abstime, 2);
    uint32_t count = 0;
    EXPECT(raw_poll_oneoff(P(sub), P(event), 1, P(&count)), WE_OK, "poll_oneoff absolute");
    uint64_t after;
    raw_clock_time_get(1, 0, P(&after));
    uint64_t got_ud;
    memcpy(&got_ud, event, 8);
    CHECK(count == 1 && got_ud == 42 && event[10] == 0, "one clock event with its userdata");
    CHECK(after >= deadline, "woke after the deadline");
    /* A deadline in the past returns at once. */
    deadline = now;
    memcpy(sub + 24, &deadline, 8);
    EXPECT(raw_poll_oneoff(P(sub), P(event), 1, P(&count)), WE_OK, "poll_oneoff in the past");
    CHECK(count == 1, "its event");
    /* Realtime, relative: 10 ms. */
    id = 0;
    memcpy(sub + 16, &id, 4);
    uint64_t rel = 10000000;
    memcpy(sub + 24, &rel, 8);
    abstime = 0;
    memcpy(sub + 40, &abstime, 2);
    raw_clock_time_get(1, 0, P(&now));
    EXPECT(raw_poll_oneoff(P(sub), P(event), 1, P(&count)), WE_OK, "poll_oneoff relative");
    raw_clock_time_get(1, 0, P(&after));
    CHECK(after - now >= 10000000, "slept 10 ms");
    return check_done();
}
