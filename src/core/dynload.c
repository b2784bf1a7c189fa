/* dlopen for extension modules, made strict and safe to fail.
 *
 * Strict: Emscripten resolves a side module's function imports lazily, so a missing symbol would
 * surface only when called, as a JS error deep inside Python. With RTLD_NOW (what CPython asks
 * for), the imports are checked before loading and a missing one fails dlopen, as on Linux:
 * "<file>: undefined symbol: <name>", which CPython raises as ImportError.
 *
 * Safe to fail: a load that fails anyway (a corrupt file, say) must not leave state behind that
 * breaks later loads.
 *
 * In the runtime's file system: a bare library name (ctypes.CDLL("libfoo.so")) is searched for in
 * LD_LIBRARY_PATH, /usr/lib and /lib there (Emscripten's loader would look outside: a URL, the
 * host's files), and so are the libraries a side module needs (dynload.js); one that is not
 * there fails dlopen naming it.
 *
 * The link wraps every dlopen call (-Wl,--wrap=dlopen) to come through here. */
#include "sangam.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

void *__real_dlopen(const char *filename, int flags);
void *__wrap_dlopen(const char *filename, int flags);
void __dl_seterr(const char *fmt, ...);             /* Emscripten's libc: sets dlerror() */
char *sangam_dl_search(const char *name);           /* dynload.js: malloc'd path, or NULL */
char *sangam_dl_check(const char *filename);        /* dynload.js: malloc'd reason, or NULL */
void sangam_dl_forget_failed(const char *filename); /* dynload.js */

void *
__wrap_dlopen(const char *filename, int flags)
{
    char *found = NULL;
    if (filename != NULL && strchr(filename, '/') == NULL) {
        found = sangam_dl_search(filename);
        if (found == NULL) {
            __dl_seterr("%s: cannot open shared object file: No such file or directory", filename);
            return NULL;
        }
        filename = found;
    }
    if (filename != NULL && (flags & RTLD_NOW)) {
        char *problem = sangam_dl_check(filename);
        if (problem != NULL) {
            __dl_seterr("%s", problem);
            free(problem);
            free(found);
            return NULL;
        }
    }
    void *handle = __real_dlopen(filename, flags);
    if (handle == NULL && filename != NULL) {
        sangam_dl_forget_failed(filename);
    }
    free(found);
    return handle;
}
