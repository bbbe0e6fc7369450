/*
 * WASI poll_oneoff: waits for the first of a set of subscriptions, clock
 * timeouts (relative, or absolute on their clock) and descriptors ready for
 * reading or writing, and reports every one that is due as an event.
 *
 * Clock subscriptions become deadlines on the host's monotonic clock (an
 * absolute time is converted once, on entry); descriptor subscriptions
 * become a ppoll() set, waited on until the earliest deadline, with the
 * remaining time recomputed when a signal interrupts the wait.  A
 * subscription on a descriptor that is not open (or lacks the poll right)
 * is an event with that error at once, as is an unknown clock, so the call
 * then does not block.
 */
#include "wasi_clock_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct wasi_poll_sub {
    uint64_t userdata;
    uint8_t type;          /* WASI_EVENTTYPE_* */
    uint16_t error;        /* reported at once when not 0 */
    bool immediate;        /* an event no matter what (an error) */
    uint64_t deadline;     /* clock: host monotonic ns */
    int pollfd;            /* fd: index in the pollfd set, else -1 */
    int host;              /* fd: the host descriptor */
} wasi_poll_sub;

static uint64_t wasi_poll_monotonic(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The bytes waiting on a descriptor ready for reading, as far as known. */
static uint64_t wasi_poll_readable(int host)
{
    struct stat st;
    if (fstat(host, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t at = lseek(host, 0, SEEK_CUR);
        return at >= 0 && st.st_size > at ? (uint64_t)(st.st_size - at) : 0;
    }
    int n = 0;
    if (ioctl(host, FIONREAD, &n) == 0 && n > 0)
        return (uint64_t)n;
    return 0;
}

static void wasi_poll_put_event(wasi_env *env, uint32_t at, const wasi_poll_sub *sub,
                                uint16_t error, uint64_t nbytes, uint16_t flags)
{
    memset(env->mem + at, 0, WASI_EVENT_SIZE);
    wasi_put_u64(env, at, sub->userdata);
    wasi_put_u16(env, at + 8, error);
    wasi_put_u8(env, at + 10, sub->type);
    if (sub->type != WASI_EVENTTYPE_CLOCK) {
        wasi_put_u64(env, at + 16, nbytes);
        wasi_put_u16(env, at + 24, flags);
    }
}

/* Reads subscription `i` at `in`; EINVAL for an unknown tag. */
static uint32_t wasi_poll_read_sub(wasi_env *env, uint32_t in, uint32_t i, uint64_t now_mono,
                                   wasi_poll_sub *sub, struct pollfd *pfds, nfds_t *nfds)
{
    uint32_t at = in + i * WASI_SUBSCRIPTION_SIZE;
    *sub = (wasi_poll_sub){.userdata = wasi_get_u64(env, at), .type = env->mem[at + 8],
                           .pollfd = -1, .host = -1};
    if (sub->type == WASI_EVENTTYPE_CLOCK) {
        uint32_t id = wasi_get_u32(env, at + 16);
        uint64_t timeout = wasi_get_u64(env, at + 24);
        uint16_t flags = wasi_get_u16(env, at + 40);
        uint64_t relative = timeout;
        if (flags & WASI_SUBCLOCK_ABSTIME) {
            uint64_t now;
            uint32_t error = waot_rt_wasi_clock_now(id, &now);
            if (error) {
                sub->error = (uint16_t)error;
                sub->immediate = true;
                return WASI_ESUCCESS;
            }
            relative = timeout > now ? timeout - now : 0;
        } else {
            clockid_t clock;
            if (!waot_rt_wasi_host_clock(id, &clock)) {
                sub->error = WASI_EINVAL;
                sub->immediate = true;
                return WASI_ESUCCESS;
            }
        }
        sub->deadline = relative > UINT64_MAX - now_mono ? UINT64_MAX : now_mono + relative;
        return WASI_ESUCCESS;
    }
    if (sub->type != WASI_EVENTTYPE_FD_READ && sub->type != WASI_EVENTTYPE_FD_WRITE)
        return WASI_EINVAL;
    int32_t fd = (int32_t)wasi_get_u32(env, at + 16);
    uint32_t error;
    wasi_fd *entry = waot_rt_wasi_fd_get(env->wasi, fd, WASI_RIGHT_POLL_FD_READWRITE, &error);
    if (!entry) {
        sub->error = (uint16_t)error;
        sub->immediate = true;
        return WASI_ESUCCESS;
    }
    sub->host = entry->host;
    sub->pollfd = (int)*nfds;
    pfds[*nfds] = (struct pollfd){
        .fd = entry->host,
        .events = sub->type == WASI_EVENTTYPE_FD_READ ? POLLIN : POLLOUT,
    };
    (*nfds)++;
    return WASI_ESUCCESS;
}

static uint32_t wasi_poll_oneoff(wasi_env *env, const waot_abi_value *a)
{
    uint32_t in = (uint32_t)a[0].i32, out = (uint32_t)a[1].i32;
    uint32_t count = (uint32_t)a[2].i32, nevents_ptr = (uint32_t)a[3].i32;
    if (count == 0)
        return WASI_EINVAL;
    if (!wasi_mem_ok(env, in, (uint64_t)count * WASI_SUBSCRIPTION_SIZE) ||
        !wasi_mem_ok(env, out, (uint64_t)count * WASI_EVENT_SIZE) ||
        !wasi_mem_ok(env, nevents_ptr, 4))
        return WASI_EFAULT;
    wasi_poll_sub *subs = calloc(count, sizeof *subs);
    struct pollfd *pfds = calloc(count, sizeof *pfds);
    if (!subs || !pfds) {
        free(subs);
        free(pfds);
        return WASI_ENOMEM;
    }

    /* Everything is read before anything is written: `out` may overlap
     * `in`. */
    uint64_t start = wasi_poll_monotonic();
    nfds_t nfds = 0;
    bool any_immediate = false, any_clock = false;
    uint64_t earliest = UINT64_MAX;
    uint32_t error = WASI_ESUCCESS;
    for (uint32_t i = 0; i < count && !error; i++) {
        error = wasi_poll_read_sub(env, in, i, start, &subs[i], pfds, &nfds);
        if (subs[i].immediate)
            any_immediate = true;
        else if (subs[i].type == WASI_EVENTTYPE_CLOCK) {
            any_clock = true;
            if (subs[i].deadline < earliest)
                earliest = subs[i].deadline;
        }
    }

    int ready = 0;
    while (!error) {
        struct timespec timeout, *wait = NULL;
        uint64_t now = wasi_poll_monotonic();
        if (any_immediate) {
            timeout = (struct timespec){0};
            wait = &timeout;
        } else if (any_clock) {
            uint64_t left = earliest > now ? earliest - now : 0;
            timeout = (struct timespec){.tv_sec = (time_t)(left / 1000000000u),
                                        .tv_nsec = (long)(left % 1000000000u)};
            wait = &timeout;
        }
        ready = ppoll(nfds ? pfds : NULL, nfds, wait, NULL);
        if (ready >= 0)
            break;
        if (errno != EINTR)
            error = waot_rt_wasi_errno(errno);
    }

    uint32_t events = 0;
    if (!error) {
        /* A wait that timed out is at the earliest deadline, whatever
         * the clock's rounding says. */
        uint64_t now = wasi_poll_monotonic();
        if (ready == 0 && now < earliest && !any_immediate)
            now = earliest;
        for (uint32_t i = 0; i < count; i++) {
            const wasi_poll_sub *sub = &subs[i];
            uint32_t at = out + events * WASI_EVENT_SIZE;
            if (sub->immediate) {
                wasi_poll_put_event(env, at, sub, sub->error, 0, 0);
                events++;
            } else if (sub->pollfd >= 0) {
                short revents = pfds[sub->pollfd].revents;
                if (!revents)
                    continue;
                uint16_t event_error = WASI_ESUCCESS;
                if (revents & POLLNVAL)
                    event_error = WASI_EBADF;
                else if ((revents & POLLERR) && !(revents & (POLLIN | POLLOUT)))
                    event_error = WASI_EIO;
                uint64_t nbytes = 0;
                if (!event_error && sub->type == WASI_EVENTTYPE_FD_READ)
                    nbytes = wasi_poll_readable(sub->host);
                uint16_t flags = (revents & POLLHUP) ? WASI_EVENT_FD_HANGUP : 0;
                wasi_poll_put_event(env, at, sub, event_error, nbytes, flags);
                events++;
            } else if (sub->deadline <= now) {
                wasi_poll_put_event(env, at, sub, WASI_ESUCCESS, 0, 0);
                events++;
            }
        }
        wasi_put_u32(env, nevents_ptr, events);
    }
    free(subs);
    free(pfds);
    return error;
}

const wasi_def waot_rt_wasi_poll_defs[] = {
    {"poll_oneoff", "iiii", wasi_poll_oneoff, false},
};
const size_t waot_rt_wasi_poll_def_count =
    sizeof waot_rt_wasi_poll_defs / sizeof waot_rt_wasi_poll_defs[0];
