/* Start-up of the interpreter, in the two ways JS asks for it: as the command line (CPython's own
 * argument parsing, REPL, exit codes and tracebacks) or as a library that JS drives call by call.
 *
 * The file system layout both rely on, prepared by the loader before either is called:
 *   /lib/python313.zip        the standard library, compiled
 *   /lib/python3.13/          site-packages and lib-dynload (extension modules)
 */
#include "sangam.h"

static char init_error[512];

/* CPython counts C recursion against a compile-time limit (10000 here) sized for native stacks.
 * Under wasm, each C frame also takes space on the JS engine's stack, whose size the embedder
 * decides (Node's default is under 1 MiB). JS measures what it has and passes a budget; running
 * out of it then raises RecursionError instead of killing the runtime. CPython's compiler and
 * symtable limits are relative to this counter, so they shrink with it. */
static void
limit_c_recursion(int budget)
{
    PyThreadState *tstate = PyThreadState_Get();
    if (budget > 0 && budget < tstate->c_recursion_remaining) {
        tstate->c_recursion_remaining = budget;
    }
}

static PyStatus
configure(PyConfig *config, int argc, char **argv)
{
    /* With home set, CPython's path calculation puts /lib/python313.zip and /lib/python3.13 on
     * sys.path without searching the (virtual) file system for landmarks. */
    PyStatus status = PyConfig_SetString(config, &config->home, L"/");
    if (PyStatus_Exception(status)) {
        return status;
    }
    /* The stdlib's conventional folder, though its modules live in the zip: frozen modules get
     * their __file__ from it, and code finds the stdlib through os.path.dirname(os.__file__). */
    status = PyConfig_SetString(config, &config->stdlib_dir, L"/lib/python3.13");
    if (PyStatus_Exception(status)) {
        return status;
    }
    return PyConfig_SetBytesArgv(config, argc, argv);
}

/* The FFI's module is built in; it must be registered before the interpreter starts. */
static void
register_builtins(void)
{
    static int done;
    if (!done) {
        PyImport_AppendInittab("_sangam_ffi", PyInit__sangam_ffi);
        done = 1;
    }
}

/* Library mode: argv is only sys.argv. Returns NULL, or a message saying why start-up failed. */
SANGAM_EXPORT const char *
sangam_init(int argc, char **argv, int c_recursion_budget)
{
    register_builtins();
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.parse_argv = 0;
    /* Output reaches JS as it is written; JS decides how to batch it. */
    config.buffered_stdio = 0;
    PyStatus status = configure(&config, argc, argv);
    if (!PyStatus_Exception(status)) {
        status = Py_InitializeFromConfig(&config);
    }
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        snprintf(init_error, sizeof(init_error), "%s%s%s", status.func ? status.func : "",
                 status.func ? ": " : "", status.err_msg ? status.err_msg : "unknown error");
        return init_error;
    }
    limit_c_recursion(c_recursion_budget);
    if (sangam_ffi_start() < 0) {
        PyErr_Print();
        return "the FFI did not start (see stderr)";
    }
    return NULL;
}

/* Command-line mode: argv as `python` takes it. Runs to completion and returns the exit status. */
SANGAM_EXPORT int
sangam_main(int argc, char **argv, int c_recursion_budget)
{
    register_builtins();
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    PyStatus status = configure(&config, argc, argv);
    if (!PyStatus_Exception(status)) {
        status = Py_InitializeFromConfig(&config);
    }
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        if (PyStatus_IsExit(status)) {
            return status.exitcode; /* --version, --help, ... */
        }
        fprintf(stderr, "Fatal Python error: %s%s%s\n", status.func ? status.func : "",
                status.func ? ": " : "", status.err_msg ? status.err_msg : "unknown error");
        return 1;
    }
    limit_c_recursion(c_recursion_budget);
    return sangam_run_command_line(sangam_ffi_start() == 0);
}

/* The end of a command line's start-up, from Python's or from a snapshot's: pyodide._startup's
 * command-line hooks, then CPython's own main. `ready` is 0 when the caller's part failed with
 * an exception set. */
int
sangam_run_command_line(int ready)
{
    PyObject *startup = ready ? PyImport_ImportModule("pyodide._startup") : NULL;
    PyObject *r = startup ? PyObject_CallMethod(startup, "command_line", NULL) : NULL;
    Py_XDECREF(startup);
    if (r == NULL) {
        PyErr_Print();
        return 1;
    }
    Py_DECREF(r);
    return Py_RunMain();
}
