/* POSIX behaviour that Emscripten 3.1.69's libc gets wrong, corrected at the libc boundary. The
 * link wraps each function named here (-Wl,--wrap=NAME) so every caller gets the fix. */
#include "sangam.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

int __real_ioctl(int fd, int request, ...);
int __wrap_ioctl(int fd, int request, ...);

/* An ioctl a file does not support fails with ENOTTY; Emscripten says EINVAL, which CPython
 * takes for a real error when it marks descriptors close-on-exec (FIOCLEX). */
int
__wrap_ioctl(int fd, int request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int result = __real_ioctl(fd, request, arg);
    if (result < 0 && errno == EINVAL && !isatty(fd)) {
        errno = ENOTTY;
    }
    return result;
}

/* posix.js; CPython's switch for its interrupt buffer (pycore_emscripten_signal.h). */
int sangam_js_wait_signal(double ms, int watch);
extern int Py_EMSCRIPTEN_SIGNAL_HANDLING;

int __real_clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                           struct timespec *remain);
int __wrap_clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                           struct timespec *remain);

/* Emscripten sleeps in a busy loop that burns a core and never sees a signal. Where JS may block
 * (Node, a worker), the sleep waits on the interrupt buffer instead (posix.js): it costs no CPU,
 * and a Ctrl-C ends it at once with EINTR, after which time.sleep runs the signal's handler, as on
 * POSIX. Elsewhere (a browser's main thread) Emscripten's loop is kept. */
int
__wrap_clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                       struct timespec *remain)
{
    if (request == NULL || request->tv_nsec < 0 || request->tv_nsec >= 1000000000L) {
        return EINVAL;
    }
    struct timespec now;
    if (clock_gettime(clock, &now) != 0) {
        return errno;
    }
    double end = (double)request->tv_sec * 1e3 + (double)request->tv_nsec / 1e6;
    if (!(flags & TIMER_ABSTIME)) {
        end += (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
    }
    for (;;) {
        double left = end - ((double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6);
        if (left <= 0) {
            return 0;
        }
        int woken = sangam_js_wait_signal(left, Py_EMSCRIPTEN_SIGNAL_HANDLING);
        if (woken < 0) {
            return __real_clock_nanosleep(clock, flags, request, remain);
        }
        if (clock_gettime(clock, &now) != 0) {
            return errno;
        }
        if (woken > 0) {
            if (remain != NULL && !(flags & TIMER_ABSTIME)) {
                left = end - ((double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6);
                if (left < 0) {
                    left = 0;
                }
                remain->tv_sec = (time_t)(left / 1e3);
                remain->tv_nsec = (long)((left - (double)remain->tv_sec * 1e3) * 1e6);
            }
            return EINTR;
        }
    }
}
