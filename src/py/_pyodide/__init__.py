"""_pyodide: the names Pyodide's own private package offers that user code imports
(`from _pyodide.jsbind import BindClass, Deep, Json`)."""
