// JS glue for errors.c: builds the JS error objects that stand for Python exceptions.
addToLibrary({
  sangam_h_python_error__deps: ['$Handles', '$UTF8ToString'],
  sangam_h_python_error: (type, message) =>
    Handles.add(new Module.PythonError(UTF8ToString(type), UTF8ToString(message))),
});
