/* POSIX behaviour that Emscripten 3.1.69's libc gets wrong, corrected at the libc boundary. The
 * link wraps each function named here (-Wl,--wrap=NAME) so every caller gets the fix. */
#include "sangam.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
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
