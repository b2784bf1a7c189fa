/* runPython: runs source code in a namespace and returns the value of a trailing expression, the
 * way an interactive session shows it. Code that ends in ';' returns nothing, as in Pyodide. Also
 * the interrupt buffer (setInterruptBuffer, checkInterrupt) that stops running code. */
#include "sangam.h"

#include <string.h>

/* 1 if a ';' follows statement stmt in source (on its last line, after blanks): "x + 1;" shows
 * nothing, as in Pyodide, while "x + 1  # ;" does (the AST knows where the statement ends, so
 * comments and strings need no parsing here). -1 with an exception set. */
static int
semicolon_follows(const char *source, PyObject *stmt)
{
    PyObject *line_obj = PyObject_GetAttrString(stmt, "end_lineno");
    PyObject *col_obj = line_obj ? PyObject_GetAttrString(stmt, "end_col_offset") : NULL;
    long line = line_obj ? PyLong_AsLong(line_obj) : -1;
    long col = col_obj ? PyLong_AsLong(col_obj) : -1; /* in bytes of UTF-8 */
    Py_XDECREF(line_obj);
    Py_XDECREF(col_obj);
    if (PyErr_Occurred()) {
        return -1;
    }
    const char *p = source;
    for (long i = 1; i < line && p; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    if (p == NULL || (long)strcspn(p, "\n") < col) {
        return 0;
    }
    for (p += col; *p == ' ' || *p == '\t'; p++) {
    }
    return *p == ';';
}

static PyObject *
compile_ast(PyObject *tree, PyObject *filename, const char *mode)
{
    PyObject *builtins = PyEval_GetFrameBuiltins();
    if (builtins == NULL) {
        return NULL;
    }
    PyObject *compile = NULL;
    int found = PyDict_GetItemStringRef(builtins, "compile", &compile);
    Py_DECREF(builtins);
    if (found <= 0) {
        if (found == 0) {
            PyErr_SetString(PyExc_RuntimeError, "no builtin compile()");
        }
        return NULL;
    }
    PyObject *code = PyObject_CallFunction(compile, "OOs", tree, filename, mode);
    Py_DECREF(compile);
    return code;
}

/* Registers source with linecache under filename, so tracebacks and inspect show its lines (as
 * Pyodide does; not for names like "<exec>", which name no file). -1 with an exception set. */
static int
remember_source(const char *source, PyObject *filename)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(filename);
    if (n >= 2 && PyUnicode_READ_CHAR(filename, 0) == '<' &&
        PyUnicode_READ_CHAR(filename, n - 1) == '>') {
        return 0;
    }
    PyObject *linecache = PyImport_ImportModule("linecache");
    PyObject *cache = linecache ? PyObject_GetAttrString(linecache, "cache") : NULL;
    PyObject *text = cache ? PyUnicode_FromString(source) : NULL;
    PyObject *lines = text ? PyObject_CallMethod(text, "splitlines", "O", Py_True) : NULL;
    PyObject *entry =
        lines ? Py_BuildValue("(nOOO)", PyUnicode_GET_LENGTH(text), Py_None, lines, filename)
              : NULL;
    int rc = entry ? PyObject_SetItem(cache, filename, entry) : -1;
    Py_XDECREF(entry);
    Py_XDECREF(lines);
    Py_XDECREF(text);
    Py_XDECREF(cache);
    Py_XDECREF(linecache);
    return rc;
}

/* Runs code in globals and locals; returns the trailing expression's value (None if there is none),
 * or NULL with an exception set. */
static PyObject *
run_code(const char *source, const char *filename, PyObject *globals, PyObject *locals)
{
    PyObject *tree = NULL, *body = NULL, *last = NULL, *expr = NULL, *ast_mod = NULL;
    PyObject *fname = NULL, *code = NULL, *result = NULL, *value = NULL;
    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    flags.cf_flags = PyCF_ONLY_AST;

    tree = Py_CompileStringExFlags(source, filename, Py_file_input, &flags, -1);
    if (tree == NULL && !PyErr_Occurred()) {
        /* CPython 3.13.5's tokenizer fails to allocate its state (tok_new, translate_newlines)
         * without setting an exception: that is running out of memory. */
        PyErr_NoMemory();
    }
    if (tree == NULL || (fname = PyUnicode_DecodeFSDefault(filename)) == NULL ||
        remember_source(source, fname) < 0) {
        goto done;
    }
    if ((body = PyObject_GetAttrString(tree, "body")) == NULL ||
        (ast_mod = PyImport_ImportModule("_ast")) == NULL) {
        goto done;
    }
    Py_ssize_t n = PyList_Size(body);
    if (n > 0) {
        PyObject *expr_type = PyObject_GetAttrString(ast_mod, "Expr");
        if (expr_type == NULL) {
            goto done;
        }
        int is_expr = PyObject_IsInstance(PyList_GET_ITEM(body, n - 1), expr_type);
        Py_DECREF(expr_type);
        if (is_expr == 1) {
            int quiet = semicolon_follows(source, PyList_GET_ITEM(body, n - 1));
            is_expr = quiet < 0 ? -1 : !quiet;
        }
        if (is_expr < 0) {
            goto done;
        }
        if (is_expr) {
            last = Py_NewRef(PyList_GET_ITEM(body, n - 1));
            if (PyList_SetSlice(body, n - 1, n, NULL) < 0) {
                goto done;
            }
            PyObject *inner = PyObject_GetAttrString(last, "value");
            expr = inner ? PyObject_CallMethod(ast_mod, "Expression", "O", inner) : NULL;
            Py_XDECREF(inner);
            if (expr == NULL) {
                goto done;
            }
        }
    }
    if ((code = compile_ast(tree, fname, "exec")) == NULL) {
        goto done;
    }
    if ((result = PyEval_EvalCode(code, globals, locals)) == NULL) {
        goto done;
    }
    if (expr == NULL) {
        value = Py_NewRef(Py_None);
        goto done;
    }
    Py_CLEAR(code);
    if ((code = compile_ast(expr, fname, "eval")) == NULL) {
        goto done;
    }
    value = PyEval_EvalCode(code, globals, locals);
done:
    Py_XDECREF(tree);
    Py_XDECREF(body);
    Py_XDECREF(last);
    Py_XDECREF(expr);
    Py_XDECREF(ast_mod);
    Py_XDECREF(fname);
    Py_XDECREF(code);
    Py_XDECREF(result);
    return value;
}

/* Flushes sys.stdout and sys.stderr so output appears before control returns to JS. */
static void
flush_std_streams(void)
{
    PyObject *exc = PyErr_GetRaisedException();
    const char *names[] = {"stdout", "stderr"};
    for (int i = 0; i < 2; i++) {
        PyObject *f = PySys_GetObject(names[i]); /* borrowed */
        if (f != NULL && f != Py_None) {
            PyObject *r = PyObject_CallMethod(f, "flush", NULL);
            if (r == NULL) {
                PyErr_Clear();
            }
            Py_XDECREF(r);
        }
    }
    PyErr_SetRaisedException(exc);
}

/* Entry point for JS (runPython): runs code in globals (default: __main__'s namespace) and
 * locals (default: globals). Returns the handle of the result, or 0 with the exception set. */
SANGAM_EXPORT JsRef
sangam_run(const char *code, const char *filename, PyObject *globals, PyObject *locals)
{
    if (globals == NULL) {
        PyObject *main_mod = PyImport_AddModule("__main__"); /* borrowed */
        globals = main_mod ? PyModule_GetDict(main_mod) : NULL;
    } else if (!PyDict_Check(globals)) {
        PyErr_Format(PyExc_TypeError, "runPython: globals must be a dict, not %.100s",
                     Py_TYPE(globals)->tp_name);
        globals = NULL;
    }
    /* As exec() does: a namespace without __builtins__ gets the current one. */
    if (globals && PyDict_ContainsString(globals, "__builtins__") != 1) {
        PyObject *builtins = PyErr_Occurred() ? NULL : PyEval_GetFrameBuiltins();
        if (builtins == NULL || PyDict_SetItemString(globals, "__builtins__", builtins) < 0) {
            globals = NULL;
        }
        Py_XDECREF(builtins);
    }
    JsRef ref = sangam_py_take_js(
        globals ? run_code(code, filename, globals, locals ? locals : globals) : NULL);
    flush_std_streams();
    return ref;
}

/* CPython's Emscripten signal support (Python/emscripten_signal.c): while on, the eval loop reads
 * Module.Py_EmscriptenSignalBuffer[0] every few dozen instructions and raises the signal found
 * there (2: KeyboardInterrupt). The flag is set from C: the address this build exports as
 * Module._Py_EMSCRIPTEN_SIGNAL_HANDLING is not the variable's, so writing there did nothing. */
extern int Py_EMSCRIPTEN_SIGNAL_HANDLING;
void _Py_CheckEmscriptenSignals(void);

SANGAM_EXPORT void
sangam_set_interrupt_handling(int on)
{
    Py_EMSCRIPTEN_SIGNAL_HANDLING = on;
}

/* checkInterrupt(): reads the buffer now and runs the handler of a pending signal. */
SANGAM_EXPORT int
sangam_check_interrupt(void)
{
    _Py_CheckEmscriptenSignals();
    return PyErr_CheckSignals();
}

/* The command line completes a line (Tab) while Python waits for it in a read with the GIL
 * released (PyOS_Readline): JS takes the GIL around the completion as a C callback would. */
SANGAM_EXPORT int
sangam_gil_ensure(void)
{
    return (int)PyGILState_Ensure();
}

SANGAM_EXPORT void
sangam_gil_release(int state)
{
    PyGILState_Release((PyGILState_STATE)state);
}
