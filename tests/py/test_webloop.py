"""Tests of pyodide.webloop: scheduling, tasks, timers, errors and promise-style futures of the WebLoop."""

# Most tests drive a private WebLoop through FakeHost, a virtual clock plus a timer queue that
# stands in for the JavaScript event loop, so they run the same on native CPython and inside
# sangam. They never touch the loop the runtime installed; tests that install() restore the
# interpreter's asyncio state afterwards. RealHostTests use the real JS timers and run only
# where `js` imports.

import asyncio
import contextlib
import contextvars
import gc
import heapq
import io
import sys
import unittest
import warnings
from asyncio import events

from pyodide import webloop
from pyodide.webloop import PyodideFuture, PyodideTask, WebLoop, WebLoopPolicy

try:
    import js  # noqa: F401

    HAVE_JS = True
except ImportError:
    HAVE_JS = False


class FakeHost:
    """The JS event loop, played by hand: a virtual clock and the timers scheduled on it."""

    def __init__(self):
        self.now = 1000.0
        self.requests = []  # delay_ms of every _schedule call, in order
        self._queue = []  # heap of [due, seq, fn]; fn is None once cancelled
        self._seq = 0

    def time(self):
        return self.now

    def schedule(self, delay_ms, fn):
        self._seq += 1
        entry = [self.now + delay_ms / 1000, self._seq, fn]
        heapq.heappush(self._queue, entry)
        self.requests.append(delay_ms)

        def cancel():
            entry[2] = None

        return cancel

    def pending(self):
        return sum(1 for entry in self._queue if entry[2] is not None)

    def _next_due(self):
        while self._queue and self._queue[0][2] is None:
            heapq.heappop(self._queue)
        return self._queue[0][0] if self._queue else None

    def run_once(self):
        """Run the earliest request (advancing the clock to it); False if there is none."""
        if self._next_due() is None:
            return False
        due, _, fn = heapq.heappop(self._queue)
        self.now = max(self.now, due)
        fn()
        return True

    def run(self, seconds=0.0):
        """Run everything due within the next `seconds`, then set the clock to that time."""
        limit = self.now + seconds
        while (due := self._next_due()) is not None and due <= limit:
            self.run_once()
        self.now = max(self.now, limit)

    def run_until_done(self, future, max_seconds=3600):
        limit = self.now + max_seconds
        while not future.done():
            due = self._next_due()
            if due is None or due > limit:
                raise AssertionError(f"{future!r} not done and nothing left to run")
            self.run_once()
        return future.result()


def make_loop():
    """A WebLoop on a FakeHost of its own."""
    host = FakeHost()
    loop = WebLoop()
    loop._schedule = host.schedule
    loop.time = host.time
    return loop, host


@contextlib.contextmanager
def running(loop):
    """Make loop the running loop for top-level calls like asyncio.ensure_future()."""
    previous = events._get_running_loop()
    events._set_running_loop(loop)
    try:
        yield loop
    finally:
        events._set_running_loop(previous)


@contextlib.contextmanager
def fresh_asyncio_state():
    """Save and restore what install() changes: policy, running loop, asyncio.run, agen hooks."""
    policy = asyncio.get_event_loop_policy()
    previous = events._get_running_loop()
    run = asyncio.run
    hooks = sys.get_asyncgen_hooks()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        asyncio.set_event_loop_policy(None)
    events._set_running_loop(None)
    try:
        yield
    finally:
        sys.set_asyncgen_hooks(*hooks)
        asyncio.run = run
        events._set_running_loop(previous)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            asyncio.set_event_loop_policy(policy)


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, *args):
        self.calls.append(args[0] if len(args) == 1 else args)


class CallSoonTests(unittest.TestCase):
    def test_fifo_order_and_arguments(self):
        loop, host = make_loop()
        seen = Recorder()
        for i in range(5):
            loop.call_soon(seen, i)
        loop.call_soon(seen, "a", "b")
        host.run()
        self.assertEqual(seen.calls, [0, 1, 2, 3, 4, ("a", "b")])

    def test_one_host_request_per_batch(self):
        loop, host = make_loop()
        seen = Recorder()
        for i in range(100):
            loop.call_soon(seen, i)
        self.assertEqual(host.requests, [0])
        host.run()
        self.assertEqual(len(seen.calls), 100)
        loop.call_soon(seen, "again")
        self.assertEqual(host.requests, [0, 0])
        host.run()
        self.assertEqual(seen.calls[-1], "again")

    def test_callbacks_added_while_flushing_run_in_the_same_flush(self):
        loop, host = make_loop()
        seen = []

        def chain(n):
            seen.append(n)
            if n < 50:
                loop.call_soon(chain, n + 1)

        loop.call_soon(chain, 0)
        self.assertTrue(host.run_once())
        self.assertEqual(seen, list(range(51)))
        self.assertEqual(host.pending(), 0)

    def test_time_slice_hands_control_back(self):
        loop, host = make_loop()
        loop._slice_seconds = 0  # one asyncio iteration per flush
        seen = []

        def chain(n):
            seen.append(n)
            if n < 3:
                loop.call_soon(chain, n + 1)

        loop.call_soon(chain, 0)
        host.run_once()
        self.assertEqual(seen, [0])
        self.assertEqual(host.pending(), 1)
        host.run()
        self.assertEqual(seen, [0, 1, 2, 3])

    def test_cancelled_handle_does_not_run(self):
        loop, host = make_loop()
        seen = Recorder()
        handle = loop.call_soon(seen, 1)
        loop.call_soon(seen, 2)
        handle.cancel()
        host.run()
        self.assertEqual(seen.calls, [2])

    def test_context(self):
        loop, host = make_loop()
        var = contextvars.ContextVar("var", default="unset")
        ctx = contextvars.copy_context()
        ctx.run(var.set, "in context")
        seen = []
        loop.call_soon(lambda: seen.append(var.get()), context=ctx)
        loop.call_soon(lambda: seen.append(var.get()))
        host.run()
        self.assertEqual(seen, ["in context", "unset"])

    def test_threadsafe_is_call_soon(self):
        loop, host = make_loop()
        seen = Recorder()
        loop.call_soon_threadsafe(seen, 1)
        host.run()
        self.assertEqual(seen.calls, [1])

    def test_running_loop_during_callbacks(self):
        loop, host = make_loop()
        seen = []
        before = events._get_running_loop()
        loop.call_soon(lambda: seen.append(asyncio.get_running_loop()))
        host.run()
        self.assertEqual(seen, [loop])
        self.assertIs(events._get_running_loop(), before)

    def test_debug_rejects_coroutines(self):
        loop, host = make_loop()
        loop.set_debug(True)

        async def coro():
            pass

        with self.assertRaisesRegex(TypeError, "coroutines cannot be used with call_soon"):
            loop.call_soon(coro)
        with self.assertRaisesRegex(TypeError, "callable object was expected"):
            loop.call_soon(42)


class TimerTests(unittest.TestCase):
    def test_call_later_order(self):
        loop, host = make_loop()
        seen = Recorder()
        loop.call_later(0.3, seen, "c")
        loop.call_later(0.1, seen, "a")
        loop.call_later(0.2, seen, "b1")
        loop.call_later(0.2, seen, "b2")
        host.run(0.15)
        self.assertEqual(seen.calls, ["a"])
        host.run(1)
        self.assertEqual(seen.calls, ["a", "b1", "b2", "c"])

    def test_delay_reaches_the_host_in_milliseconds(self):
        loop, host = make_loop()
        loop.call_later(0.25, print)
        loop.call_later(1e-4, print)
        loop.call_later(10**9, print)
        self.assertEqual(host.requests, [250, 1, 2**31 - 1])

    def test_call_later_fires_no_earlier_than_its_time(self):
        loop, host = make_loop()
        handle = loop.call_later(0.1, lambda: None)
        times = []
        loop.call_later(0.1, lambda: times.append(loop.time()))
        host.run(1)
        self.assertGreaterEqual(times[0], handle.when())

    def test_cancel_clears_the_host_timer(self):
        loop, host = make_loop()
        seen = Recorder()
        handle = loop.call_later(5, seen, "x")
        loop.call_later(6, seen, "y")
        self.assertEqual(host.pending(), 2)
        handle.cancel()
        self.assertEqual(host.pending(), 1)
        self.assertNotIn(id(handle), loop._timers)
        host.run(10)
        self.assertEqual(seen.calls, ["y"])
        self.assertEqual(loop._timers, {})
        handle.cancel()  # again, after the fact: harmless

    def test_equal_handles_keep_their_own_timers(self):
        # TimerHandles with the same time, callback and arguments compare equal.
        loop, host = make_loop()
        seen = Recorder()
        first = loop.call_at(loop.time() + 1, seen, "same")
        second = loop.call_at(loop.time() + 1, seen, "same")
        self.assertEqual(first, second)
        first.cancel()
        host.run(2)
        self.assertEqual(seen.calls, ["same"])

    def test_call_at_uses_loop_time(self):
        loop, host = make_loop()
        seen = Recorder()
        handle = loop.call_at(loop.time() + 2, seen, "at")
        self.assertIsInstance(handle, asyncio.TimerHandle)
        self.assertEqual(handle.when(), 1002.0)
        host.run(1.9)
        self.assertEqual(seen.calls, [])
        host.run(0.2)
        self.assertEqual(seen.calls, ["at"])

    def test_past_and_zero_delays_run_soon(self):
        loop, host = make_loop()
        seen = Recorder()
        loop.call_later(-1, seen, "past")
        loop.call_later(0, seen, "zero")
        self.assertEqual(host.requests, [0])
        host.run()
        self.assertEqual(seen.calls, ["past", "zero"])

    def test_infinite_delay_is_never_scheduled(self):
        loop, host = make_loop()
        handle = loop.call_later(float("inf"), print)
        self.assertEqual(host.pending(), 0)
        handle.cancel()

    def test_none_delay(self):
        loop, host = make_loop()
        with self.assertRaises(TypeError):
            loop.call_later(None, print)
        with self.assertRaises(TypeError):
            loop.call_at(None, print)

    def test_timer_firing_runs_queued_callbacks_first(self):
        loop, host = make_loop()
        seen = Recorder()
        loop.call_later(0.01, seen, "timer")
        host.now += 0.02  # the timer is overdue by the time the queued callback is added
        loop.call_soon(seen, "soon")
        host.run_once()
        self.assertEqual(seen.calls, ["soon", "timer"])
        self.assertEqual(host.pending(), 0)  # the flush it made redundant was cancelled

    def test_long_timer_is_rearmed(self):
        loop, host = make_loop()
        seen = Recorder()
        days40 = 40 * 86400
        loop.call_later(days40, seen, "late")
        host.run(2**31 / 1000)
        self.assertEqual(seen.calls, [])
        self.assertEqual(host.pending(), 1)
        host.run(days40)
        self.assertEqual(seen.calls, ["late"])

    def test_time_is_monotonic_clock(self):
        loop = WebLoop()
        import time

        before = time.monotonic()
        now = loop.time()
        self.assertLessEqual(before, now)
        self.assertLessEqual(now, time.monotonic())


class TaskTests(unittest.TestCase):
    def test_create_task(self):
        loop, host = make_loop()

        async def double(x):
            await asyncio.sleep(0)
            return 2 * x

        task = loop.create_task(double(21), name="doubler")
        self.assertIsInstance(task, PyodideTask)
        self.assertIsInstance(task, asyncio.Task)
        self.assertEqual(task.get_name(), "doubler")
        self.assertEqual(host.run_until_done(task), 42)

    def test_create_task_context(self):
        loop, host = make_loop()
        var = contextvars.ContextVar("var", default="unset")
        ctx = contextvars.copy_context()
        ctx.run(var.set, "task context")

        async def read():
            return var.get()

        task = loop.create_task(read(), context=ctx)
        self.assertEqual(host.run_until_done(task), "task context")

    def test_sleep_advances_the_clock(self):
        loop, host = make_loop()

        async def main():
            start = loop.time()
            await asyncio.sleep(1.5)
            return loop.time() - start

        elapsed = host.run_until_done(loop.create_task(main()))
        self.assertGreaterEqual(elapsed, 1.5)
        self.assertLess(elapsed, 1.6)

    def test_gather(self):
        loop, host = make_loop()
        order = []

        async def work(name, delay):
            await asyncio.sleep(delay)
            order.append(name)
            return name

        async def main():
            return await asyncio.gather(work("slow", 0.3), work("fast", 0.1), work("mid", 0.2))

        self.assertEqual(host.run_until_done(loop.create_task(main())), ["slow", "fast", "mid"])
        self.assertEqual(order, ["fast", "mid", "slow"])

    def test_wait_for_timeout_clears_the_sleep_timer(self):
        loop, host = make_loop()

        async def main():
            start = loop.time()
            with self.assertRaises(TimeoutError):
                await asyncio.wait_for(asyncio.sleep(3600), 1)
            return loop.time() - start

        elapsed = host.run_until_done(loop.create_task(main()))
        self.assertAlmostEqual(elapsed, 1, delta=0.01)
        self.assertEqual(host.pending(), 0)
        self.assertEqual(loop._timers, {})

    def test_wait_for_in_time(self):
        loop, host = make_loop()

        async def answer():
            await asyncio.sleep(0.5)
            return 42

        async def main():
            return await asyncio.wait_for(answer(), 1)

        self.assertEqual(host.run_until_done(loop.create_task(main())), 42)
        self.assertEqual(host.pending(), 0)

    def test_task_group_and_timeout(self):
        loop, host = make_loop()

        async def main():
            async with asyncio.TaskGroup() as group:
                a = group.create_task(asyncio.sleep(0.2, "a"))
                b = group.create_task(asyncio.sleep(0.1, "b"))
            try:
                async with asyncio.timeout(0.5):
                    await asyncio.sleep(2)
            except TimeoutError:
                timed_out = True
            return a.result(), b.result(), timed_out

        self.assertEqual(host.run_until_done(loop.create_task(main())), ("a", "b", True))

    def test_cancel_task(self):
        loop, host = make_loop()

        async def forever():
            await asyncio.sleep(3600)

        task = loop.create_task(forever())
        host.run()
        task.cancel()
        host.run()
        self.assertTrue(task.cancelled())
        self.assertEqual(host.pending(), 0)

    def test_top_level_ensure_future(self):
        loop, host = make_loop()

        async def main():
            return asyncio.get_running_loop()

        with running(loop):
            future = asyncio.ensure_future(main())
            task = asyncio.create_task(main())
        self.assertIs(host.run_until_done(future), loop)
        self.assertIs(host.run_until_done(task), loop)

    def test_create_future(self):
        loop, host = make_loop()
        future = loop.create_future()
        self.assertIsInstance(future, PyodideFuture)
        self.assertIs(future.get_loop(), loop)
        loop.call_later(0.5, future.set_result, "done")
        self.assertEqual(host.run_until_done(future), "done")

    def test_task_factory(self):
        loop, host = make_loop()
        made = []

        def factory(loop, coro, **kwargs):
            made.append(kwargs)
            return PyodideTask(coro, loop=loop, **kwargs)

        self.assertIsNone(loop.get_task_factory())
        loop.set_task_factory(factory)
        self.assertIs(loop.get_task_factory(), factory)

        async def one():
            return 1

        task = loop.create_task(one(), name="named")
        self.assertEqual(task.get_name(), "named")
        self.assertEqual(host.run_until_done(task), 1)
        self.assertEqual(made, [{}])
        loop.set_task_factory(None)
        self.assertIsNone(loop.get_task_factory())
        with self.assertRaises(TypeError):
            loop.set_task_factory(42)

    def test_run_in_executor(self):
        loop, host = make_loop()
        future = loop.run_in_executor(None, pow, 2, 10)
        self.assertTrue(future.done())
        self.assertEqual(future.result(), 1024)
        failed = loop.run_in_executor(None, int, "nope")
        self.assertIsInstance(failed.exception(), ValueError)

        async def coro():
            pass

        with self.assertRaises(TypeError):
            loop.run_in_executor(None, coro)

        async def main():
            return await asyncio.to_thread(sum, [1, 2, 3])

        self.assertEqual(host.run_until_done(loop.create_task(main())), 6)


class ErrorTests(unittest.TestCase):
    def test_callback_error_goes_to_stderr_and_the_loop_goes_on(self):
        loop, host = make_loop()
        seen = Recorder()

        def boom():
            raise ValueError("boom")

        loop.call_soon(boom)
        loop.call_soon(seen, "after")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            host.run()
        text = err.getvalue()
        self.assertIn("Exception in callback", text)
        self.assertIn("handle: <Handle", text)
        self.assertIn("Traceback (most recent call last):", text)
        self.assertIn("ValueError: boom", text)
        self.assertEqual(seen.calls, ["after"])

    def test_default_exception_handler_format(self):
        loop = WebLoop()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            loop.default_exception_handler({"message": "hello", "exception": KeyError("k"), "extra": 1})
            loop.default_exception_handler({})
        self.assertEqual(
            err.getvalue(), "hello\nextra: 1\nKeyError: 'k'\nUnhandled exception in event loop\n"
        )

    def test_custom_handler(self):
        loop, host = make_loop()
        contexts = []

        def handler(handler_loop, context):
            self.assertIs(handler_loop, loop)
            contexts.append(context)

        self.assertIsNone(loop.get_exception_handler())
        loop.set_exception_handler(handler)
        self.assertIs(loop.get_exception_handler(), handler)
        loop.call_soon(lambda: 1 / 0)
        host.run()
        self.assertEqual(len(contexts), 1)
        self.assertIsInstance(contexts[0]["exception"], ZeroDivisionError)
        self.assertIn("handle", contexts[0])
        loop.set_exception_handler(None)
        self.assertIsNone(loop.get_exception_handler())
        with self.assertRaises(TypeError):
            loop.set_exception_handler("not callable")

    def test_failing_handler_falls_back_to_the_default(self):
        loop = WebLoop()

        def handler(loop, context):
            raise RuntimeError("handler broke")

        loop.set_exception_handler(handler)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            loop.call_exception_handler({"message": "original"})
        text = err.getvalue()
        self.assertIn("Unhandled error in exception handler", text)
        self.assertIn("RuntimeError: handler broke", text)
        self.assertIn("'original'", text)

    def test_failed_task_nothing_waits_for_is_reported_when_it_fails(self):
        # As Pyodide's WebLoop: {"exception": exc} at once (the default handler prints
        # "Unhandled exception in event loop"), and not again when the task is collected.
        loop, host = make_loop()
        contexts = []
        loop.set_exception_handler(lambda loop, context: contexts.append(context))

        async def fail():
            raise LookupError("nobody looked")

        task = loop.create_task(fail())
        host.run()
        self.assertTrue(task.done())
        self.assertEqual(len(contexts), 1)
        self.assertNotIn("message", contexts[0])
        self.assertIsInstance(contexts[0]["exception"], LookupError)
        del task
        gc.collect()
        self.assertEqual(len(contexts), 1)

    def test_failed_task_someone_awaits_is_not_reported(self):
        loop, host = make_loop()
        contexts = []
        loop.set_exception_handler(lambda loop, context: contexts.append(context))

        async def fail():
            raise LookupError("seen")

        async def watch(t):
            try:
                await t
            except LookupError:
                return "caught"

        task = loop.create_task(fail())
        watcher = loop.create_task(watch(task))
        host.run()
        self.assertEqual(watcher.result(), "caught")
        self.assertEqual(contexts, [])

    def test_system_exit_propagates_and_the_rest_runs_later(self):
        loop, host = make_loop()
        seen = Recorder()

        def leave():
            raise SystemExit(3)

        loop.call_soon(leave)
        loop.call_soon(seen, "rest")
        with self.assertRaises(SystemExit):
            host.run_once()
        self.assertEqual(seen.calls, [])
        self.assertEqual(host.pending(), 1)
        host.run()
        self.assertEqual(seen.calls, ["rest"])

    def test_system_exit_handler_hook(self):
        loop, host = make_loop()
        codes = Recorder()
        loop._system_exit_handler = codes
        loop.call_soon(lambda: sys.exit(5))
        host.run()
        self.assertEqual(codes.calls, [5])

    def test_debug_reports_slow_callbacks(self):
        loop, host = make_loop()
        loop.set_debug(False)
        self.assertFalse(loop.get_debug())
        loop.set_debug(True)
        self.assertTrue(loop.get_debug())
        loop.slow_callback_duration = 0
        loop.call_soon(len, "")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            host.run()
        self.assertIn("Executing <Handle len", err.getvalue())

    def test_unsupported_methods_say_why(self):
        loop, host = make_loop()
        with self.assertRaisesRegex(NotImplementedError, "add_reader.*file descriptors"):
            loop.add_reader(0, print)
        with self.assertRaisesRegex(NotImplementedError, "add_signal_handler"):
            loop.add_signal_handler(2, print)

        async def main():
            with self.assertRaisesRegex(NotImplementedError, "create_connection.*pyfetch"):
                await loop.create_connection(asyncio.Protocol, "example.com", 80)
            with self.assertRaisesRegex(NotImplementedError, "subprocesses"):
                await asyncio.create_subprocess_exec("ls")
            return True

        self.assertTrue(host.run_until_done(loop.create_task(main())))


class PromiseMethodTests(unittest.TestCase):
    def settled(self, host, future):
        host.run()
        self.assertTrue(future.done())
        return future

    def test_then_result(self):
        loop, host = make_loop()
        source = loop.create_future()
        chained = source.then(lambda x: x + 1).then(lambda x: x * 10)
        self.assertIsInstance(chained, PyodideFuture)
        source.set_result(1)
        self.assertEqual(self.settled(host, chained).result(), 20)

    def test_then_awaits_what_the_callback_returns(self):
        loop, host = make_loop()

        async def later(x):
            await asyncio.sleep(1)
            return x * 2

        async def nested(x):
            return later(x)  # a coroutine that returns a coroutine: awaited again

        source = loop.create_future()
        chained = source.then(nested)
        source.set_result(4)
        self.assertEqual(host.run_until_done(chained), 8)

    def test_then_rejection(self):
        loop, host = make_loop()
        source = loop.create_future()
        passed = source.then(lambda x: "unused")
        handled = source.then(lambda x: "unused", lambda e: f"handled {e}")
        source.set_exception(ValueError("bad"))
        self.assertIsInstance(self.settled(host, passed).exception(), ValueError)
        self.assertEqual(handled.result(), "handled bad")

    def test_callback_that_raises_rejects(self):
        loop, host = make_loop()
        source = loop.create_future()
        chained = source.then(lambda x: 1 / x)
        source.set_result(0)
        self.assertIsInstance(self.settled(host, chained).exception(), ZeroDivisionError)

    def test_catch(self):
        loop, host = make_loop()
        source = loop.create_future()
        caught = source.catch(lambda e: type(e).__name__)
        untouched = loop.create_future()
        passed = untouched.catch(lambda e: "unused")
        source.set_exception(KeyError("k"))
        untouched.set_result("value")
        self.assertEqual(self.settled(host, caught).result(), "KeyError")
        self.assertEqual(passed.result(), "value")

    def test_finally(self):
        loop, host = make_loop()
        calls = []
        ok = loop.create_future()
        failed = loop.create_future()
        ok_after = ok.finally_(lambda: calls.append("ok"))
        failed_after = failed.finally_(lambda: calls.append("failed"))
        ok.set_result(5)
        failed.set_exception(OSError("gone"))
        host.run()
        self.assertEqual(sorted(calls), ["failed", "ok"])
        self.assertEqual(ok_after.result(), 5)
        self.assertIsInstance(failed_after.exception(), OSError)

    def test_finally_that_raises_or_awaits(self):
        loop, host = make_loop()
        calls = []

        async def cleanup():
            await asyncio.sleep(1)
            calls.append("cleaned")

        source = loop.create_future()
        awaited = source.finally_(cleanup)
        broken = source.finally_(lambda: 1 / 0)
        source.set_result("value")
        self.assertEqual(host.run_until_done(awaited), "value")
        self.assertEqual(calls, ["cleaned"])
        self.assertIsInstance(broken.exception(), ZeroDivisionError)

    def test_cancellation_propagates(self):
        loop, host = make_loop()
        source = loop.create_future()
        chained = source.then(lambda x: x)
        caught = source.catch(lambda e: "no")
        after = source.finally_(lambda: None)
        source.cancel()
        host.run()
        self.assertTrue(chained.cancelled())
        self.assertTrue(caught.cancelled())
        self.assertTrue(after.cancelled())

    def test_tasks_have_then(self):
        loop, host = make_loop()

        async def three():
            return 3

        chained = loop.create_task(three()).then(lambda x: x * 3)
        self.assertEqual(host.run_until_done(chained), 9)


class LifecycleTests(unittest.TestCase):
    def test_always_running_never_closed(self):
        loop, host = make_loop()
        self.assertTrue(loop.is_running())
        self.assertFalse(loop.is_closed())
        loop.stop()
        loop.close()
        loop.run_forever()
        self.assertTrue(loop.is_running())
        self.assertFalse(loop.is_closed())
        self.assertEqual(host.pending(), 0)

    def test_run_until_complete_schedules_and_returns_the_task(self):
        loop, host = make_loop()

        async def main():
            await asyncio.sleep(1)
            return "finished"

        future = loop.run_until_complete(main())
        self.assertIsInstance(future, PyodideTask)
        self.assertFalse(future.done())
        self.assertEqual(host.run_until_done(future), "finished")
        done = loop.create_future()
        done.set_result(1)
        self.assertIs(loop.run_until_complete(done), done)

    def test_shutdown_asyncgens(self):
        loop, host = make_loop()
        closed = []

        async def numbers():
            try:
                yield 1
                yield 2
            finally:
                closed.append(True)

        async def main():
            agen = numbers()
            self.assertEqual(await agen.__anext__(), 1)
            await loop.shutdown_asyncgens()
            await loop.shutdown_default_executor()
            return agen

        hooks = sys.get_asyncgen_hooks()
        try:
            loop._install_asyncgen_hooks()
            host.run_until_done(loop.create_task(main()))
        finally:
            sys.set_asyncgen_hooks(*hooks)
        self.assertEqual(closed, [True])

    def test_policy(self):
        policy = WebLoopPolicy()
        loop = policy.get_event_loop()
        self.assertIsInstance(loop, WebLoop)
        self.assertIs(policy.get_event_loop(), loop)
        other = policy.new_event_loop()
        self.assertIsInstance(other, WebLoop)
        self.assertIsNot(other, loop)
        policy.set_event_loop(other)
        self.assertIs(policy.get_event_loop(), other)


class InstallTests(unittest.TestCase):
    def test_install_makes_top_level_asyncio_work(self):
        with fresh_asyncio_state():
            loop = webloop.install()
            self.assertIsInstance(loop, WebLoop)
            self.assertIs(webloop.install(), loop)
            self.assertIs(asyncio.get_running_loop(), loop)
            self.assertIs(asyncio.get_event_loop(), loop)
            self.assertIsInstance(asyncio.get_event_loop_policy(), WebLoopPolicy)
            host = FakeHost()
            loop._schedule = host.schedule
            loop.time = host.time

            async def main():
                await asyncio.sleep(2)
                return asyncio.get_running_loop()

            task = asyncio.create_task(main())
            future = asyncio.ensure_future(main())
            handle = loop.call_later(1, print)
            handle.cancel()
            self.assertIs(host.run_until_done(task), loop)
            self.assertIs(host.run_until_done(future), loop)
        self.assertIsNot(events._get_running_loop(), loop)

    def test_asyncio_run_explains_what_to_do(self):
        with fresh_asyncio_state():
            webloop.install()

            async def main():
                return 1

            coro = main()
            with self.assertRaises(RuntimeError) as caught:
                asyncio.run(coro)
            message = str(caught.exception)
            self.assertIn("await main()", message)
            self.assertIn("asyncio.ensure_future(main())", message)
            self.assertIsNone(coro.cr_frame)  # closed: no "never awaited" warning
        self.assertIsNot(asyncio.run, webloop._run)


@unittest.skipUnless(HAVE_JS, "needs the JavaScript host")
class RealHostTests(unittest.TestCase):
    def test_schedule_returns_a_working_cancel(self):
        fired = []
        for delay in (0, 50):
            cancel = webloop._default_schedule(delay, lambda: fired.append(delay))
            self.assertTrue(callable(cancel))
            cancel()
        self.assertEqual(fired, [])

    def test_timer_handle_cancel_clears_the_js_timer(self):
        loop = WebLoop()
        fired = []
        handle = loop.call_later(30, fired.append, "never")
        self.assertIn(id(handle), loop._timers)
        handle.cancel()
        self.assertNotIn(id(handle), loop._timers)
        self.assertEqual(fired, [])

    def test_call_soon_schedules_one_flush(self):
        loop = WebLoop()
        fired = []
        loop.call_soon(fired.append, 1)
        first = loop._flush_cancel
        self.assertIsNotNone(first)
        loop.call_soon(fired.append, 2)
        self.assertIs(loop._flush_cancel, first)
        first()  # leave nothing behind in the JS event loop
        loop._flush_cancel = None
        self.assertEqual(fired, [])


if __name__ == "__main__":
    unittest.main()
