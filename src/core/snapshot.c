/* Start-up from a memory snapshot (src/js/snapshot.mjs, src/core/snapshot.js): the interpreter in
 * the restored memory is already initialised; what C keeps outside it, or sized for the process
 * that made the snapshot, is set up again here. */
#include "sangam.h"

/* Called once the memory, the side modules and the handle table are back. The C recursion budget
 * is this process's (its JS stack may differ from the snapshot maker's: main.c explains it).
 * Returns 0. */
SANGAM_EXPORT int
sangam_snapshot_restored(int c_recursion_budget)
{
    sangam_ffi_js_start();
    PyThreadState *tstate = PyThreadState_Get();
    if (c_recursion_budget > 0) {
        tstate->c_recursion_remaining =
            c_recursion_budget < Py_C_RECURSION_LIMIT ? c_recursion_budget : Py_C_RECURSION_LIMIT;
    }
    return 0;
}
