// A C++ extension: throws and catches C++ exceptions (wasm exception handling) and uses the
// C++ standard library from the main module.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

static int
parse_positive(const std::string &text)
{
    size_t used = 0;
    int value = std::stoi(text, &used); // throws std::invalid_argument / std::out_of_range
    if (used != text.size() || value <= 0) {
        throw std::domain_error("not a positive integer: " + text);
    }
    return value;
}

// parse(text) -> int, or ValueError carrying the C++ exception's message.
static PyObject *
parse(PyObject *, PyObject *arg)
{
    const char *text = PyUnicode_AsUTF8(arg);
    if (text == nullptr) {
        return nullptr;
    }
    try {
        return PyLong_FromLong(parse_positive(text));
    } catch (const std::invalid_argument &) {
        PyErr_Format(PyExc_ValueError, "invalid_argument: %s", text);
    } catch (const std::exception &e) {
        PyErr_Format(PyExc_ValueError, "%s: %s", typeid(e).name(), e.what());
    }
    return nullptr;
}

// word_counts(text) -> sorted list of (word, count), via std::map.
static PyObject *
word_counts(PyObject *, PyObject *arg)
{
    const char *text = PyUnicode_AsUTF8(arg);
    if (text == nullptr) {
        return nullptr;
    }
    std::map<std::string, int> counts;
    std::string word;
    for (const char *p = text;; p++) {
        if (*p == ' ' || *p == '\0') {
            if (!word.empty()) {
                counts[word]++;
            }
            word.clear();
            if (*p == '\0') {
                break;
            }
        } else {
            word += *p;
        }
    }
    PyObject *list = PyList_New(0);
    for (const auto &[w, n] : counts) {
        PyObject *item = Py_BuildValue("(si)", w.c_str(), n);
        if (item == nullptr || PyList_Append(list, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(list);
            return nullptr;
        }
        Py_DECREF(item);
    }
    return list;
}

static PyMethodDef methods[] = {
    {"parse", parse, METH_O, nullptr},
    {"word_counts", word_counts, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

static PyModuleDef module = {PyModuleDef_HEAD_INIT, "cppext", nullptr, -1, methods};

PyMODINIT_FUNC
PyInit_cppext(void)
{
    return PyModule_Create(&module);
}
