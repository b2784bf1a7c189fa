"""pyodide.webloop: sangam's asyncio event loop, driven by the JavaScript event loop instead of blocking."""

# How it works. Python here runs inside the JavaScript event loop and can never block waiting for
# events, so the loop below never "runs": it is always running, as the JS loop is. Work reaches JS
# through one indirection point, WebLoop._schedule(delay_ms, fn), which asks the host to call fn
# later and returns a function that cancels the request.
#
# - call_soon appends to a ready queue. The first append while the queue is idle schedules ONE
#   zero-delay flush; later appends ride along. A flush runs the queue in asyncio iterations
#   (callbacks added during an iteration run in the next one) until it is empty or a time slice
#   is used up, then hands control back to JS and schedules the next flush for the rest. So a
#   chain of task steps costs one JS macrotask, not one per step, and the page stays responsive.
# - Zero-delay flushes use the host's unclamped macrotask (Node's setImmediate, a MessageChannel
#   in browsers), never setTimeout(0), which browsers clamp to 4 ms once timers nest. Macrotasks,
#   not microtasks: a microtask flush could starve rendering and I/O for good.
# - call_later/call_at arm one JS timer per handle; when it fires the handle joins the ready queue
#   and the queue is flushed at once. Cancelling the handle clears the JS timer, so a cancelled
#   asyncio.sleep (wait_for, timeouts) does not keep Node alive until it would have expired.
#
# Nothing here imports `js` or `pyodide.ffi` until a JS timer is actually needed, so the module
# imports (and tests/py/test_webloop.py runs) on native CPython with a fake _schedule.

import asyncio
import inspect
import math
import os
import sys
import time
import traceback
import warnings
import weakref
from asyncio import events
from collections import deque
from functools import partial, wraps

__all__ = ["PyodideFuture", "PyodideTask", "WebLoop", "WebLoopPolicy", "install"]

# setTimeout takes a signed 32-bit count of milliseconds; a longer timer is re-armed when it fires.
_MAX_DELAY_MS = 2**31 - 1


# --------------------------------------------------------------------------------------------
# Futures with the JavaScript promise methods
# --------------------------------------------------------------------------------------------


def _settle_from_call(out, fn):
    """Resolve future `out` with what fn() returns (awaiting it if awaitable) or raises."""
    try:
        value = fn()
    except asyncio.CancelledError:
        out.cancel()
        return
    except Exception as exc:
        out.set_exception(exc)
        return
    _settle_from_value(out, value)


def _settle_from_value(out, value):
    """Resolve `out` with value; an awaitable is awaited, and so is what it returns, and so on."""
    if out.done():
        return
    if not inspect.isawaitable(value):
        out.set_result(value)
        return
    inner = asyncio.ensure_future(value, loop=out.get_loop())

    def inner_done(inner):
        if out.done():
            return
        if inner.cancelled():
            out.cancel()
        elif (exc := inner.exception()) is not None:
            out.set_exception(exc)
        else:
            _settle_from_value(out, inner.result())

    def out_done(out):
        if out.cancelled() and not inner.done():
            inner.cancel()

    inner.add_done_callback(inner_done)
    out.add_done_callback(out_done)


class PyodideFuture(asyncio.Future):
    """An asyncio.Future that can also be chained like a JavaScript promise.

    then(), catch() and finally_() each return a new PyodideFuture. The callbacks run once this
    future is done; if a callback returns an awaitable, the new future settles with the awaited
    result (repeatedly, until the value is not awaitable). Cancelling this future cancels the
    chained ones. WebLoop.create_future() returns these, and WebLoop tasks are PyodideTasks.
    """

    def then(self, onfulfilled=None, onrejected=None):
        """Chain callbacks for the result (onfulfilled) and the exception (onrejected).

        A missing onfulfilled passes the result on; a missing onrejected passes the exception on.
        The returned future settles with the callback's (awaited) return value, or with the
        exception it raised.
        """
        out = PyodideFuture(loop=self.get_loop())

        def source_done(src):
            if out.done():
                return
            if src.cancelled():
                out.cancel()
                return
            exc = src.exception()
            if exc is None:
                if onfulfilled is None:
                    out.set_result(src.result())
                else:
                    _settle_from_call(out, partial(onfulfilled, src.result()))
            elif onrejected is None:
                out.set_exception(exc)
            else:
                _settle_from_call(out, partial(onrejected, exc))

        self.add_done_callback(source_done)
        return out

    def catch(self, onrejected):
        """Chain a callback for the exception only: the same as then(None, onrejected)."""
        return self.then(None, onrejected)

    def finally_(self, onfinally):
        """Call onfinally() (no arguments) however this future ends, then settle the same way.

        If onfinally raises (or what it returns fails when awaited), the returned future fails
        with that exception instead.
        """
        loop = self.get_loop()
        out = PyodideFuture(loop=loop)

        def source_done(src):
            if out.done():
                return
            gate = PyodideFuture(loop=loop)

            def gate_done(gate):
                if out.done():
                    return
                if gate.cancelled():
                    out.cancel()
                elif (exc := gate.exception()) is not None:
                    out.set_exception(exc)
                elif src.cancelled():
                    out.cancel()
                elif (exc := src.exception()) is not None:
                    out.set_exception(exc)
                else:
                    out.set_result(src.result())

            gate.add_done_callback(gate_done)
            _settle_from_call(gate, onfinally)

        self.add_done_callback(source_done)
        return out


class PyodideTask(asyncio.Task, PyodideFuture):
    """An asyncio.Task that is also a PyodideFuture (then, catch, finally_).

    WebLoop.create_task() makes these; build one directly only when writing a task factory.
    """

    _has_consumer = False

    def add_done_callback(self, fn, *, context=None):
        # Someone (an awaiting task, then(), a JS await, gather, ...) will see the outcome.
        self._has_consumer = True
        if context is None:
            super().add_done_callback(fn)
        else:
            super().add_done_callback(fn, context=context)


# --------------------------------------------------------------------------------------------
# The host's timers: the default WebLoop._schedule
# --------------------------------------------------------------------------------------------


def _destroy(proxy):
    try:
        proxy.destroy()
    except Exception:
        pass


class _JsTimers:
    """Schedules Python callables on the JS event loop; each request returns its cancel function.

    delay_ms > 0 uses setTimeout. delay_ms == 0 uses the host's unclamped macrotask: setImmediate
    where it exists (Node), else one shared MessageChannel (browsers, workers), else setTimeout.
    """

    def __init__(self):
        import js  # noqa: PLC0415 (only inside the runtime)
        from .ffi import create_once_callable, create_proxy  # noqa: PLC0415

        self._js = js
        self._once = create_once_callable
        self._pending = deque()  # MessageChannel mode: one entry per posted message, in order
        self._port = None
        if _js_has(js, "setImmediate"):
            self._soon = self._immediate
        elif _js_has(js, "MessageChannel"):
            channel = js.MessageChannel.new()
            self._on_message_proxy = create_proxy(self._on_message)
            channel.port1.onmessage = self._on_message_proxy
            self._port = channel.port2
            self._soon = self._post
        else:
            self._soon = None

    def __call__(self, delay_ms, fn):
        if delay_ms <= 0 and self._soon is not None:
            return self._soon(fn)
        js = self._js
        callback = self._once(fn)
        timer = js.setTimeout(callback, delay_ms)

        def cancel():
            js.clearTimeout(timer)
            _destroy(callback)  # never called now, so it would never free itself

        return cancel

    def _immediate(self, fn):
        js = self._js
        callback = self._once(fn)
        token = js.setImmediate(callback)

        def cancel():
            js.clearImmediate(token)
            _destroy(callback)

        return cancel

    def _post(self, fn):
        entry = [fn]
        self._pending.append(entry)
        self._port.postMessage(None)
        return entry.clear  # a cleared entry is skipped when its message arrives

    def _on_message(self, _event=None):
        entry = self._pending.popleft()
        if entry:
            entry[0]()


def _js_has(js, name):
    try:
        return getattr(js, name, None) is not None
    except Exception:
        return False


_js_timers = None


def _default_schedule(delay_ms, fn):
    global _js_timers
    if _js_timers is None:
        _js_timers = _JsTimers()
    return _js_timers(delay_ms, fn)


# --------------------------------------------------------------------------------------------
# The loop
# --------------------------------------------------------------------------------------------


def _debug_from_environment():
    return sys.flags.dev_mode or (
        not sys.flags.ignore_environment and bool(os.environ.get("PYTHONASYNCIODEBUG"))
    )


def _check_callback(callback, method):
    if asyncio.iscoroutine(callback) or inspect.iscoroutinefunction(callback):
        raise TypeError(f"coroutines cannot be used with {method}()")
    if not callable(callback):
        raise TypeError(f"a callable object was expected by {method}(), got {callback!r}")


def _unsupported(name, reason, is_async):
    message = f"loop.{name}() is not available in sangam: {reason}"
    if is_async:

        async def method(self, *args, **kwargs):
            raise NotImplementedError(message)

    else:

        def method(self, *args, **kwargs):
            raise NotImplementedError(message)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Not available: {reason}. Raises NotImplementedError."
    return method


_NO_FDS = "there are no pollable file descriptors in WebAssembly"
_NO_SOCKETS = "there are no sockets; use pyodide.http.pyfetch for HTTP"
_NO_PROCESSES = "there are no subprocesses"
_NO_SIGNALS = "there are no POSIX signals"


class WebLoop(asyncio.AbstractEventLoop):
    """An asyncio event loop that runs its callbacks from the JavaScript event loop.

    It is always running (the JS event loop is) and cannot block: run_until_complete() schedules
    the work and returns its future, run_forever(), stop() and close() do nothing. Inside a
    coroutine, await as usual; at top level use asyncio.ensure_future() / asyncio.create_task(),
    or top-level await where the host supports it.
    """

    # The longest stretch of callbacks run before control goes back to JS (seconds).
    _slice_seconds = 0.01
    # In debug mode, callbacks that take longer than this are reported (as in asyncio).
    slow_callback_duration = 0.1

    def __init__(self):
        self._ready = deque()
        self._timers = {}  # id(TimerHandle) -> cancel function of its JS timer
        self._flush_cancel = None  # cancel function of the scheduled flush, if one is pending
        self._flushing = False
        self._current_handle = None
        self._exception_handler = None
        self._task_factory = None
        self._default_executor = None
        self._debug = _debug_from_environment()
        self._asyncgens = weakref.WeakSet()
        self._asyncgens_shutdown_called = False
        self._old_agen_hooks = None
        # Hooks the host may set: called instead of letting SystemExit / KeyboardInterrupt raised
        # by a callback propagate into the JS event loop.
        self._system_exit_handler = None
        self._keyboard_interrupt_handler = None
        self._flush_entry = partial(self._from_js, self._flush_scheduled)

    # -- the one indirection point to the host -----------------------------------------------

    def _schedule(self, delay_ms, fn):
        """Ask the host to call fn() after delay_ms (0: as soon as possible, after other work).

        Returns a function that cancels the request. Everything the loop does with JS timers goes
        through here; tests replace it (and time()) on an instance to drive the loop by hand.
        """
        return _default_schedule(delay_ms, fn)

    def _from_js(self, fn, *args):
        # Entry from a JS timer. SystemExit / KeyboardInterrupt go to the host's hooks if set.
        try:
            fn(*args)
        except SystemExit as exc:
            if self._system_exit_handler is None:
                raise
            self._system_exit_handler(exc.code)
        except KeyboardInterrupt:
            if self._keyboard_interrupt_handler is None:
                raise
            self._keyboard_interrupt_handler()

    # -- running callbacks ---------------------------------------------------------------------

    def _wake(self):
        if self._flush_cancel is None and not self._flushing:
            self._flush_cancel = self._schedule(0, self._flush_entry)

    def _flush_scheduled(self):
        self._flush_cancel = None
        self._flush()

    def _flush(self):
        """Run ready callbacks until none are left or the time slice is used up."""
        if self._flushing:
            return
        if self._flush_cancel is not None:  # a timer got here first; this flush covers the queue
            cancel, self._flush_cancel = self._flush_cancel, None
            cancel()
        previous = events._get_running_loop()
        if previous is not self:
            events._set_running_loop(self)
        self._flushing = True
        ready = self._ready
        debug = self._debug
        deadline = time.monotonic() + self._slice_seconds
        try:
            while ready:
                for _ in range(len(ready)):  # one asyncio iteration
                    handle = ready.popleft()
                    if handle.cancelled():
                        continue
                    self._current_handle = handle
                    if debug:
                        self._run_timed(handle)
                    else:
                        handle._run()
                    # A traceback made in the callback reaches this frame through f_back and
                    # would keep the handle (its callback and arguments) alive; asyncio's own
                    # loop drops it the same way.
                    handle = None
                self._current_handle = None
                if time.monotonic() >= deadline:
                    break
        finally:
            self._current_handle = None
            self._flushing = False
            if previous is not self:
                events._set_running_loop(previous)
            if ready:
                self._wake()

    def _run_timed(self, handle):
        start = time.monotonic()
        handle._run()
        took = time.monotonic() - start
        if took >= self.slow_callback_duration:
            print(f"Executing {handle!r} took {took:.3f} seconds", file=sys.stderr)
        handle = None  # as in _flush

    def _timer_fired(self, handle, capped):
        if self._timers.pop(id(handle), None) is None or handle.cancelled():
            return
        if capped:  # it was longer than one JS timer can wait: wait for the rest
            self._arm(handle)
            return
        self._ready.append(handle)
        self._flush()

    def _arm(self, handle):
        when = handle.when()
        if when == math.inf:
            return  # never due
        delay_ms = (when - self.time()) * 1000
        if delay_ms <= 0:
            self._ready.append(handle)
            self._wake()
            return
        # Round up (less a hair of float noise) so the timer never fires before `when`.
        delay_ms = math.ceil(delay_ms - 1e-6)
        capped = delay_ms > _MAX_DELAY_MS
        if capped:
            delay_ms = _MAX_DELAY_MS
        fire = partial(self._from_js, self._timer_fired, handle, capped)
        self._timers[id(handle)] = self._schedule(delay_ms, fire)

    def _timer_handle_cancelled(self, handle):
        # Called by TimerHandle.cancel(): clear the JS timer as well.
        cancel = self._timers.pop(id(handle), None)
        if cancel is not None:
            cancel()

    # -- scheduling ----------------------------------------------------------------------------

    def call_soon(self, callback, *args, context=None):
        """Run callback(*args) soon, after the callbacks already queued (FIFO). Returns a Handle."""
        if self._debug:
            _check_callback(callback, "call_soon")
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)
        if self._flush_cancel is None and not self._flushing:
            self._flush_cancel = self._schedule(0, self._flush_entry)
        return handle

    def call_soon_threadsafe(self, callback, *args, context=None):
        """The same as call_soon(): there is only one thread."""
        return self.call_soon(callback, *args, context=context)

    def call_later(self, delay, callback, *args, context=None):
        """Run callback(*args) after delay seconds. Returns a TimerHandle; cancel() clears it."""
        if delay is None:
            raise TypeError("delay must not be None")
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(self, when, callback, *args, context=None):
        """Run callback(*args) at loop time `when` (see time()). Returns a TimerHandle."""
        if when is None:
            raise TypeError("when cannot be None")
        if self._debug:
            _check_callback(callback, "call_at")
        handle = asyncio.TimerHandle(when, callback, args, self, context)
        self._arm(handle)
        return handle

    def time(self):
        """The loop's clock, in seconds: time.monotonic()."""
        return time.monotonic()

    # -- futures and tasks ---------------------------------------------------------------------

    def create_future(self):
        """A new PyodideFuture attached to this loop."""
        return PyodideFuture(loop=self)

    def create_task(self, coro, *, name=None, context=None, **kwargs):
        """Wrap coroutine coro in a task (a PyodideTask unless a task factory is set)."""
        if self._task_factory is None:
            task = PyodideTask(coro, loop=self, name=name, context=context, **kwargs)
            source = getattr(task, "_source_traceback", None)
            if source:
                del source[-1]  # debug mode: leave this frame out of where the task was created
            asyncio.Task.add_done_callback(task, self._report_unconsumed)
        else:
            if context is not None:
                kwargs["context"] = context
            task = self._task_factory(self, coro, **kwargs)
            if name is not None:
                task.set_name(name)
        try:
            return task
        finally:
            del task  # a failed task's traceback would otherwise keep this frame and the task alive

    def _report_unconsumed(self, task):
        """A task that failed with nothing waiting for it is reported when it fails (as Pyodide
        does: "Unhandled exception in event loop" and the traceback), not when it is collected."""
        # (_log_traceback: the exception is set and nobody retrieved it yet, not even an `await`
        # of the task once it was done.)
        if not task._has_consumer and not task.cancelled() and task._log_traceback:
            exc = task.exception()
            if exc is not None:
                self.call_exception_handler({"exception": exc})

    def set_task_factory(self, factory):
        """Use factory(loop, coro, **kwargs) to make tasks; None restores the default."""
        if factory is not None and not callable(factory):
            raise TypeError("task factory must be a callable or None")
        self._task_factory = factory

    def get_task_factory(self):
        """The task factory, or None when the default is in use."""
        return self._task_factory

    def run_in_executor(self, executor, func, *args):
        """Call func(*args) now, in this thread, and return a future that is already done.

        There are no threads to hand it to; the future holds the result or the exception.
        """
        if asyncio.iscoroutine(func) or inspect.iscoroutinefunction(func):
            raise TypeError("coroutines cannot be used with run_in_executor()")
        future = self.create_future()
        try:
            result = func(*args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)
        return future

    def set_default_executor(self, executor):
        """Accepted and kept, never used: run_in_executor() always runs in this thread."""
        self._default_executor = executor

    # -- running and stopping: the JS event loop owns all of this ------------------------------

    def run_until_complete(self, future):
        """Schedule future (a coroutine becomes a task) and return it: this loop cannot block.

        The JS event loop runs the work after the current Python code returns to it. Use
        `await future` in a coroutine, or future.add_done_callback() / future.then(), for the
        result.
        """
        return asyncio.ensure_future(future, loop=self)

    def run_forever(self):
        """Does nothing: the JS event loop is already running this loop, and keeps doing so."""

    def stop(self):
        """Does nothing: this loop runs as long as the JS event loop does."""

    def is_running(self):
        """Always True: the JS event loop is always running."""
        return True

    def is_closed(self):
        """Always False: close() does nothing."""
        return False

    def close(self):
        """Does nothing, so that code which closes its loop when done keeps later async code working."""

    async def shutdown_asyncgens(self):
        """Close every asynchronous generator started on this loop that is still open."""
        self._asyncgens_shutdown_called = True
        if not self._asyncgens:
            return
        agens = list(self._asyncgens)
        self._asyncgens.clear()
        results = await asyncio.gather(*[agen.aclose() for agen in agens], return_exceptions=True)
        for agen, result in zip(agens, results):
            if isinstance(result, Exception):
                self.call_exception_handler(
                    {
                        "message": f"an error occurred during closing of asynchronous generator {agen!r}",
                        "exception": result,
                        "asyncgen": agen,
                    }
                )

    async def shutdown_default_executor(self, timeout=None):
        """Does nothing: there is no executor thread to shut down."""

    def _asyncgen_firstiter_hook(self, agen):
        if self._asyncgens_shutdown_called:
            warnings.warn(
                f"asynchronous generator {agen!r} was scheduled after loop.shutdown_asyncgens() call",
                ResourceWarning,
                source=self,
            )
        self._asyncgens.add(agen)

    def _asyncgen_finalizer_hook(self, agen):
        self._asyncgens.discard(agen)
        self.call_soon(self.create_task, agen.aclose())

    def _install_asyncgen_hooks(self):
        if self._old_agen_hooks is None:
            self._old_agen_hooks = sys.get_asyncgen_hooks()
            sys.set_asyncgen_hooks(
                firstiter=self._asyncgen_firstiter_hook, finalizer=self._asyncgen_finalizer_hook
            )

    # -- errors --------------------------------------------------------------------------------

    def get_exception_handler(self):
        """The exception handler, or None when the default is in use."""
        return self._exception_handler

    def set_exception_handler(self, handler):
        """Use handler(loop, context) for errors the loop catches; None restores the default."""
        if handler is not None and not callable(handler):
            raise TypeError(f"A callable object or None is expected, got {handler!r}")
        self._exception_handler = handler

    def default_exception_handler(self, context):
        """Print the error described by context to sys.stderr, as asyncio logs it.

        The first line is context["message"]; each other key follows as "key: value"; then the
        traceback of context["exception"] if there is one.
        """
        message = context.get("message") or "Unhandled exception in event loop"
        handle = self._current_handle
        if (
            "source_traceback" not in context
            and handle is not None
            and getattr(handle, "_source_traceback", None)
        ):
            context = dict(context, handle_traceback=handle._source_traceback)
        lines = [message]
        for key in sorted(context):
            if key in ("message", "exception"):
                continue
            value = context[key]
            if key == "source_traceback":
                value = "Object created at (most recent call last):\n" + "".join(
                    traceback.format_list(value)
                ).rstrip()
            elif key == "handle_traceback":
                value = "Handle created at (most recent call last):\n" + "".join(
                    traceback.format_list(value)
                ).rstrip()
            else:
                value = repr(value)
            lines.append(f"{key}: {value}")
        text = "\n".join(lines)
        exception = context.get("exception")
        if exception is not None:
            text += "\n" + "".join(traceback.format_exception(exception)).rstrip()
        print(text, file=sys.stderr)

    def call_exception_handler(self, context):
        """Report an error: context is a dict with "message" and optionally "exception",
        "future", "task", "handle", "asyncgen", ... (see asyncio's loop.call_exception_handler).
        """
        if self._exception_handler is None:
            try:
                self.default_exception_handler(context)
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException:
                print("Exception in default exception handler", file=sys.stderr)
                traceback.print_exc()
            return
        try:
            self._exception_handler(self, context)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            try:
                self.default_exception_handler(
                    {
                        "message": "Unhandled error in exception handler",
                        "exception": exc,
                        "context": context,
                    }
                )
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException:
                print(
                    "Exception in default exception handler while handling an unexpected "
                    "error in custom exception handler",
                    file=sys.stderr,
                )
                traceback.print_exc()

    # -- debug ---------------------------------------------------------------------------------

    def get_debug(self):
        """Whether asyncio debug mode is on (-X dev or PYTHONASYNCIODEBUG at start-up)."""
        return self._debug

    def set_debug(self, enabled):
        """Turn asyncio debug mode on or off (callback checks, slow-callback reports)."""
        self._debug = bool(enabled)

    # -- what WebAssembly does not have --------------------------------------------------------

    add_reader = _unsupported("add_reader", _NO_FDS, False)
    remove_reader = _unsupported("remove_reader", _NO_FDS, False)
    add_writer = _unsupported("add_writer", _NO_FDS, False)
    remove_writer = _unsupported("remove_writer", _NO_FDS, False)
    connect_read_pipe = _unsupported("connect_read_pipe", _NO_FDS, True)
    connect_write_pipe = _unsupported("connect_write_pipe", _NO_FDS, True)
    add_signal_handler = _unsupported("add_signal_handler", _NO_SIGNALS, False)
    remove_signal_handler = _unsupported("remove_signal_handler", _NO_SIGNALS, False)
    subprocess_exec = _unsupported("subprocess_exec", _NO_PROCESSES, True)
    subprocess_shell = _unsupported("subprocess_shell", _NO_PROCESSES, True)
    getaddrinfo = _unsupported("getaddrinfo", _NO_SOCKETS, True)
    getnameinfo = _unsupported("getnameinfo", _NO_SOCKETS, True)
    create_connection = _unsupported("create_connection", _NO_SOCKETS, True)
    create_server = _unsupported("create_server", _NO_SOCKETS, True)
    create_unix_connection = _unsupported("create_unix_connection", _NO_SOCKETS, True)
    create_unix_server = _unsupported("create_unix_server", _NO_SOCKETS, True)
    create_datagram_endpoint = _unsupported("create_datagram_endpoint", _NO_SOCKETS, True)
    connect_accepted_socket = _unsupported("connect_accepted_socket", _NO_SOCKETS, True)
    start_tls = _unsupported("start_tls", _NO_SOCKETS, True)
    sendfile = _unsupported("sendfile", _NO_SOCKETS, True)
    sock_recv = _unsupported("sock_recv", _NO_SOCKETS, True)
    sock_recv_into = _unsupported("sock_recv_into", _NO_SOCKETS, True)
    sock_recvfrom = _unsupported("sock_recvfrom", _NO_SOCKETS, True)
    sock_recvfrom_into = _unsupported("sock_recvfrom_into", _NO_SOCKETS, True)
    sock_sendall = _unsupported("sock_sendall", _NO_SOCKETS, True)
    sock_sendto = _unsupported("sock_sendto", _NO_SOCKETS, True)
    sock_connect = _unsupported("sock_connect", _NO_SOCKETS, True)
    sock_accept = _unsupported("sock_accept", _NO_SOCKETS, True)
    sock_sendfile = _unsupported("sock_sendfile", _NO_SOCKETS, True)


# --------------------------------------------------------------------------------------------
# Policy and installation
# --------------------------------------------------------------------------------------------


class WebLoopPolicy(asyncio.DefaultEventLoopPolicy):
    """Event loop policy whose get_event_loop() is always the same WebLoop."""

    def __init__(self):
        super().__init__()
        self._default_loop = None

    def get_event_loop(self):
        """The one WebLoop (made on first use)."""
        if self._default_loop is None:
            self._default_loop = self.new_event_loop()
        return self._default_loop

    def new_event_loop(self):
        """A new WebLoop (it runs on the same JS event loop as every other)."""
        return WebLoop()

    def set_event_loop(self, loop):
        """Make loop the one get_event_loop() returns (None: a new WebLoop on next use)."""
        self._default_loop = loop


_asyncio_run = asyncio.run


@wraps(_asyncio_run)
def _run(main, *, debug=None, loop_factory=None):
    if loop_factory is None and isinstance(events._get_running_loop(), WebLoop):
        if asyncio.iscoroutine(main):
            main.close()  # it will never run; spare the user a "never awaited" warning on top
        raise RuntimeError(
            "asyncio.run() cannot be used here: Python runs inside the JavaScript event loop, "
            "which is always running and cannot be blocked until a coroutine finishes. "
            "Use 'await main()' where top-level await is available (runPythonAsync), or "
            "'asyncio.ensure_future(main())' to start it and let the JavaScript event loop run it."
        )
    return _asyncio_run(main, debug=debug, loop_factory=loop_factory)


def install():
    """Make the WebLoop the event loop of this interpreter and return it.

    Sets WebLoopPolicy, marks the loop as the running loop so that asyncio.get_running_loop(),
    create_task(), ensure_future(), sleep() and friends work from top-level code, installs the
    async generator hooks, and makes asyncio.run() explain why it cannot block. Idempotent.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the policy API, from 3.14 on
        policy = asyncio.get_event_loop_policy()
        if not isinstance(policy, WebLoopPolicy):
            policy = WebLoopPolicy()
            asyncio.set_event_loop_policy(policy)
    loop = policy.get_event_loop()
    events._set_running_loop(loop)
    loop._install_asyncgen_hooks()
    asyncio.run = _run
    return loop


_initialize_event_loop = install  # the name Pyodide's start-up code uses
