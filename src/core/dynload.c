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
 * The link wraps every dlopen call (-Wl,--wrap=dlopen) to come through here. */
#include "sangam.h"

#include <dlfcn.h>
#include <stdlib.h>

void *__real_dlopen(const char *filename, int flags);
void *__wrap_dlopen(const char *filename, int flags);
void __dl_seterr(const char *fmt, ...);               /* Emscripten's libc: sets dlerror() */
char *sangam_dl_missing_symbol(const char *filename); /* dynload.js: malloc'd name, or NULL */
void sangam_dl_forget_failed(const char *filename);   /* dynload.js */

void *
__wrap_dlopen(const char *filename, int flags)
{
    if (filename != NULL && (flags & RTLD_NOW)) {
        char *missing = sangam_dl_missing_symbol(filename);
        if (missing != NULL) {
            __dl_seterr("%s: undefined symbol: %s", filename, missing);
            free(missing);
            return NULL;
        }
    }
    void *handle = __real_dlopen(filename, flags);
    if (handle == NULL && filename != NULL) {
        sangam_dl_forget_failed(filename);
    }
    return handle;
}
