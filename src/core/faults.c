/* Allocation failure: MemoryError for the JS glue's own mallocs, and a runtime switch that makes
 * chosen allocations fail on purpose (tests sweep "the Nth allocation fails" across FFI work, as
 * SQLite's fault tests and CPython's _testcapi.set_nomemory do).
 *
 * sangam_faults_set(start, stop) wraps CPython's three allocator domains (raw, mem, obj) and the
 * glue's mallocs (sangam_glue_malloc): counting from 1 from that call, allocation n fails when
 * start <= n and (stop == 0 or n < stop). sangam_faults_clear() puts the allocators back.
 * Each failure calls sangam_faults_on_fail (faults.js), which hands it to the test's callback, if
 * any (to find the C path of an allocation that fails: `new Error().stack`).
 *
 * CPython 3.13.5 itself does not survive every allocation failure in its parser and compiler
 * (found by this sweep, reproduced natively with _testcapi.set_nomemory): a double free in the
 * assembler, NULL writes in compile.c and flowgraph.c, a dict whose failed insertion still counts
 * (dict.setdefault), errors without exceptions. tools/patches/python fixes them, each file saying
 * how; so the sweep covers compilation too. */
#include "sangam.h"

#include <malloc.h>

static struct {
    int installed;
    long count;       /* allocations seen since sangam_faults_set */
    long start, stop; /* the range that fails */
    long failed;      /* how many did */
    PyMemAllocatorEx raw, mem, obj;
} faults;

void sangam_faults_on_fail(long n, size_t size); /* faults.js */

static int
should_fail(size_t size)
{
    long n = ++faults.count;
    if (n >= faults.start && (faults.stop == 0 || n < faults.stop)) {
        faults.failed++;
        sangam_faults_on_fail(n, size);
        return 1;
    }
    return 0;
}

static void *
hook_malloc(void *ctx, size_t size)
{
    PyMemAllocatorEx *next = ctx;
    return should_fail(size) ? NULL : next->malloc(next->ctx, size);
}

static void *
hook_calloc(void *ctx, size_t nelem, size_t elsize)
{
    PyMemAllocatorEx *next = ctx;
    return should_fail(nelem * elsize) ? NULL : next->calloc(next->ctx, nelem, elsize);
}

static void *
hook_realloc(void *ctx, void *ptr, size_t size)
{
    PyMemAllocatorEx *next = ctx;
    return should_fail(size) ? NULL : next->realloc(next->ctx, ptr, size);
}

static void
hook_free(void *ctx, void *ptr)
{
    PyMemAllocatorEx *next = ctx;
    next->free(next->ctx, ptr);
}

static void
wrap_domain(PyMemAllocatorDomain domain, PyMemAllocatorEx *saved)
{
    PyMem_GetAllocator(domain, saved);
    PyMemAllocatorEx hook = {saved, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMem_SetAllocator(domain, &hook);
}

SANGAM_EXPORT void
sangam_faults_set(long start, long stop)
{
    if (!faults.installed) {
        wrap_domain(PYMEM_DOMAIN_RAW, &faults.raw);
        wrap_domain(PYMEM_DOMAIN_MEM, &faults.mem);
        wrap_domain(PYMEM_DOMAIN_OBJ, &faults.obj);
        faults.installed = 1;
    }
    faults.count = 0;
    faults.failed = 0;
    faults.start = start;
    faults.stop = stop;
}

/* Puts the allocators back; returns how many allocations failed since sangam_faults_set. */
SANGAM_EXPORT long
sangam_faults_clear(void)
{
    if (faults.installed) {
        PyMem_SetAllocator(PYMEM_DOMAIN_RAW, &faults.raw);
        PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &faults.mem);
        PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &faults.obj);
        faults.installed = 0;
    }
    return faults.failed;
}

/* Allocations counted since sangam_faults_set (how far a sweep must go). */
SANGAM_EXPORT long
sangam_faults_count(void)
{
    return faults.count;
}

/* The JS glue's malloc: NULL when it fails (for real or on purpose). */
SANGAM_EXPORT void *
sangam_glue_malloc(size_t size)
{
    if (faults.installed && should_fail(size)) {
        return NULL;
    }
    return malloc(size);
}

/* Bytes of wasm memory malloc has handed out and not taken back (soak tests sample it). */
SANGAM_EXPORT long
sangam_heap_in_use(void)
{
    return (long)mallinfo().uordblks;
}
