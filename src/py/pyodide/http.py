"""pyodide.http: HTTP from Python through the JavaScript host: pyfetch (async fetch) and open_url (synchronous GET)."""

# pyfetch() wraps the host's fetch() and returns a FetchResponse whose body methods give Python
# values. Every request gets its own AbortController, so FetchResponse.abort() and cancelling the
# awaiting task both abort it. Failures of the request itself (network, abort) raise AbortError,
# an OSError carrying the JavaScript message, as Pyodide does; HTTP error statuses raise nothing
# until raise_for_status(). `js` and `pyodide.ffi` are only touched when a request is made, so the
# module imports on native CPython too (for its exception classes and for documentation).

from __future__ import annotations

import json as _json
import os
import shutil
import tempfile
from asyncio import CancelledError
from io import StringIO
from typing import Any
from urllib.parse import unquote, urlsplit

try:
    from .ffi import JsException, JsProxy, to_js
except ImportError:  # native CPython: nothing here can reach JavaScript anyway

    class JsException(Exception):  # type: ignore[no-redef]
        """Stand-in so that `except JsException` clauses are valid outside the runtime."""

    class JsProxy:  # type: ignore[no-redef]
        """Stand-in so that isinstance checks are valid outside the runtime."""

    to_js = None

__all__ = [
    "AbortError",
    "BodyUsedError",
    "FetchResponse",
    "HttpStatusError",
    "open_url",
    "pyfetch",
]


def _host():
    """The `js` module, or an OSError saying that HTTP needs the JavaScript host."""
    try:
        import js  # noqa: PLC0415
    except ImportError:
        raise OSError(
            "pyodide.http needs the JavaScript host: it works only inside sangam"
        ) from None
    if to_js is None:
        raise OSError("pyodide.http needs pyodide.ffi, which this interpreter does not have")
    return js


def _attr(obj, name):
    try:
        return getattr(obj, name, None)
    except Exception:
        return None


def _message_of(reason):
    """A readable message for a JS error, a JsException, a JS abort reason or a Python value."""
    if reason is None:
        return None
    if isinstance(reason, str):
        return reason
    message = _attr(reason, "message")
    if not isinstance(message, str) or not message:
        message = str(reason)
    # Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is the cause.
    for holder in (reason, _attr(reason, "js_error")):
        cause = _attr(holder, "cause") if holder is not None else None
        cause_message = _attr(cause, "message") if cause is not None else None
        if isinstance(cause_message, str) and cause_message and cause_message not in message:
            return f"{message}: {cause_message}"
    return message


class HttpStatusError(OSError):
    """Raised by FetchResponse.raise_for_status() for a 4xx or 5xx status.

    Attributes: status (int), status_text (str) and url (str) of the response.
    """

    def __init__(self, status: int, status_text: str, url: str) -> None:
        self.status = status
        self.status_text = status_text
        self.url = url
        if 400 <= status < 500:
            kind = "Client Error"
        elif 500 <= status < 600:
            kind = "Server Error"
        else:
            kind = "Invalid error code not between 400 and 599"
        super().__init__(f"{status} {kind}: {status_text} for url: {url}")

    def __reduce__(self):
        return (type(self), (self.status, self.status_text, self.url), self.__dict__)


class BodyUsedError(OSError):
    """Raised when the body of a FetchResponse is read a second time (clone() it first)."""

    def __init__(self, *args: Any) -> None:
        super().__init__("Response body is already used")


class AbortError(OSError):
    """Raised when a request fails or is aborted; the message is the JavaScript one."""

    def __init__(self, reason: Any = None) -> None:
        super().__init__(_message_of(reason) or "The operation was aborted")


def _abort_reason(js, reason):
    """The JS value to abort with: None stays undefined (a plain AbortError DOMException)."""
    if reason is None or isinstance(reason, JsProxy):
        return reason
    message = str(reason)
    if _attr(js, "DOMException") is not None:
        return js.DOMException.new(message, "AbortError")
    return js.Error.new(message)


def _abort_for_cancel(controller, cancelled):
    """Abort the request behind a task that was cancelled while waiting for it."""
    if controller is None:
        return
    reason = "\n".join(map(str, cancelled.args)) if cancelled.args else None
    try:
        js = _host()
        if reason is None:
            controller.abort()
        else:
            controller.abort(_abort_reason(js, reason))
    except Exception:
        pass  # the cancellation is what matters to the caller


class FetchResponse:
    """A JavaScript fetch Response, with Python results.

    url is the URL that was requested, js_response the JsProxy of the Response; abort_controller
    and abort_signal are the JS AbortController / AbortSignal of the request (either may be None).
    Reading the body a second time raises BodyUsedError: clone() first to read it twice.
    """

    def __init__(self, url: str, js_response: Any, abort_controller: Any = None, abort_signal: Any = None):
        self._url = url
        self.js_response = js_response
        self.abort_controller = abort_controller
        self.abort_signal = abort_signal

    def __repr__(self):
        return f"<FetchResponse {self.status} {self.url!r}>"

    # -- metadata ------------------------------------------------------------------------------

    @property
    def body_used(self) -> bool:
        """Whether the body has been read already (Response.bodyUsed)."""
        return bool(self.js_response.bodyUsed)

    @property
    def headers(self) -> dict:
        """The response headers, as a dict of str to str (names in lower case)."""
        js = _host()
        return js.Object.fromEntries(self.js_response.headers.entries()).to_py()

    @property
    def ok(self) -> bool:
        """Whether the status is in 200-299 (Response.ok)."""
        return bool(self.js_response.ok)

    @property
    def redirected(self) -> bool:
        """Whether the response comes from a redirect (Response.redirected)."""
        return bool(self.js_response.redirected)

    @property
    def status(self) -> int:
        """The HTTP status code (Response.status)."""
        return self.js_response.status

    @property
    def status_text(self) -> str:
        """The HTTP status message (Response.statusText)."""
        return self.js_response.statusText

    @property
    def type(self) -> str:
        """"basic", "cors", "opaque", ... (Response.type)."""
        return self.js_response.type

    @property
    def url(self) -> str:
        """The final URL of the response, after redirects (Response.url)."""
        return self.js_response.url

    def raise_for_status(self) -> None:
        """Raise HttpStatusError if the status is 4xx or 5xx."""
        status = self.status
        if 400 <= status < 600:
            raise HttpStatusError(status, self.status_text, self.url)

    def clone(self) -> "FetchResponse":
        """A copy whose body can be read independently (Response.clone()); not after a read."""
        if self.js_response.bodyUsed:
            raise BodyUsedError
        return FetchResponse(
            self._url, self.js_response.clone(), self.abort_controller, self.abort_signal
        )

    def abort(self, reason: Any = None) -> None:
        """Abort the request: a pending or later body read raises AbortError with reason."""
        if self.abort_controller is None:
            raise ValueError("abort_controller is not set: this response cannot be aborted")
        if reason is None:
            self.abort_controller.abort()
        else:
            self.abort_controller.abort(_abort_reason(_host(), reason))

    # -- the body ------------------------------------------------------------------------------

    def _check_readable(self) -> None:
        signal = self.abort_signal
        if signal is not None and signal.aborted:
            raise AbortError(signal.reason)
        if self.js_response.bodyUsed:
            raise BodyUsedError

    async def _read(self, method: str) -> Any:
        self._check_readable()
        try:
            return await getattr(self.js_response, method)()
        except JsException as exc:
            signal = self.abort_signal
            aborted = signal is not None and signal.aborted
            raise AbortError(signal.reason if aborted else exc) from None
        except CancelledError as exc:
            _abort_for_cancel(self.abort_controller, exc)
            raise

    async def buffer(self) -> Any:
        """The body as a JavaScript ArrayBuffer (a JsBuffer proxy)."""
        return await self._read("arrayBuffer")

    async def bytes(self) -> bytes:
        """The body as bytes."""
        return (await self.buffer()).to_bytes()

    async def memoryview(self) -> memoryview:
        """The body as a memoryview."""
        return (await self.buffer()).to_memoryview()

    async def text(self) -> str:
        """The body decoded as UTF-8 text (Response.text())."""
        return await self._read("text")

    async def string(self) -> str:
        """The same as text() (the older name, kept for Pyodide code that uses it)."""
        return await self.text()

    async def json(self, **kwargs: Any) -> Any:
        """The body parsed with json.loads(text, **kwargs)."""
        return _json.loads(await self.text(), **kwargs)

    async def unpack_archive(self, *, extract_dir: str | None = None, format: str | None = None) -> None:
        """Unpack the body, an archive, with shutil.unpack_archive.

        extract_dir defaults to the current directory. format is a shutil unpack format ("zip",
        "tar", "gztar", "bztar", "xztar", or one registered with shutil.register_unpack_format);
        without it the format comes from the file name at the end of the URL, and a name with
        no known extension raises ValueError.
        """
        name = os.path.basename(unquote(urlsplit(self._url).path)) or "download"
        if format is None:
            format = _unpack_format_of(name)
        data = await self.bytes()
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, name)
            with open(path, "wb") as file:
                file.write(data)
            del data
            shutil.unpack_archive(path, extract_dir, format)


def _unpack_format_of(filename: str) -> str:
    lowered = filename.lower()
    best = None
    for name, extensions, _description in shutil.get_unpack_formats():
        for extension in extensions:
            if lowered.endswith(extension) and (best is None or len(extension) > best[1]):
                best = (name, len(extension))
    if best is None:
        raise ValueError(
            f"cannot tell the archive format of {filename!r} from its name: pass format= "
            f"(one of {', '.join(sorted(f[0] for f in shutil.get_unpack_formats()))})"
        )
    return best[0]


async def pyfetch(url: str, /, *, signal: Any = None, fetcher: Any = None, **kwargs: Any) -> FetchResponse:
    """Fetch url with the host's fetch() and return a FetchResponse.

    Keyword arguments are fetch()'s options (method, headers, body, credentials, ...), converted
    to JavaScript with dicts becoming plain objects. signal is an AbortSignal of your own, which
    aborts the request as well; fetcher replaces the global fetch. A request that fails or is
    aborted raises AbortError (an OSError) with the JavaScript message; HTTP error statuses do
    not raise (see FetchResponse.raise_for_status).
    """
    js = _host()
    controller = js.AbortController.new() if _attr(js, "AbortController") is not None else None
    if controller is not None:
        if signal is None:
            signal = controller.signal
        elif _attr(_attr(js, "AbortSignal"), "any") is not None:
            signal = js.AbortSignal.any(to_js([signal, controller.signal]))
        else:
            controller = None  # cannot tie ours to the caller's signal: theirs is the only one
    if signal is not None:
        kwargs["signal"] = signal
    fetch = fetcher if fetcher is not None else js.fetch
    options = to_js(kwargs, dict_converter=js.Object.fromEntries)
    try:
        js_response = await fetch(url, options)
    except CancelledError as exc:
        _abort_for_cancel(controller, exc)
        raise
    except JsException as exc:
        raise AbortError(exc) from None
    return FetchResponse(url, js_response, controller, signal)


def open_url(url: str) -> StringIO:
    """Fetch url synchronously and return its body as text in a StringIO.

    This uses a synchronous XMLHttpRequest, which browsers (main thread and workers) have and
    Node does not: there it raises OSError, and `await pyfetch(url)` is the way. Binary
    downloads need pyfetch as well.
    """
    js = _host()
    if _attr(js, "XMLHttpRequest") is None:
        raise OSError(
            "open_url() needs a synchronous XMLHttpRequest, which this JavaScript host "
            "(Node.js?) does not provide; use 'await pyodide.http.pyfetch(url)' instead"
        )
    request = js.XMLHttpRequest.new()
    try:
        request.open("GET", url, False)
        request.send()
    except JsException as exc:
        raise OSError(f"open_url({url!r}) failed: {_message_of(exc)}") from None
    return StringIO(request.responseText)
