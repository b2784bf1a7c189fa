"""JsProxy.bind_sig(sig) and bind_class(cls): JS functions and objects checked against a Python
signature (jsproxy_bind.c calls in here).

A call through a bound function is checked as a call of the signature would be, with CPython's
own messages (the arguments are bound by a stub with the same parameters and name); defaults are
filled in; keyword-only parameters go to JS as one trailing object. Parameters and the return
value annotated with Deep are converted deeply (to_js / to_py); a BindClass subclass as the
return annotation binds the result; an `async def` signature gives a future. An attribute read
through a bound object is bound to the signature's method of that name, or to its annotation
when that is a BindClass subclass. bind_class(cls) calls with `new`, checked against cls.__init__
(the instance is bound to cls if cls derives from BindClass). As in Pyodide 0.29, positional-or-keyword parameters are refused
(RuntimeError): each parameter must be positional-only or keyword-only."""

import types
import typing
from inspect import Parameter, getattr_static, iscoroutinefunction, isclass, ismethod, signature
from typing import get_type_hints


class Deep:
    """Annotation: convert this argument with to_js, this result with to_py (deeply)."""


class Json:
    """Annotation: pass this argument as PyProxy.asJsJson() (JS reads it as parsed JSON), read
    this result with JsProxy.as_py_json()."""


class Default:
    """Annotation: the default conversions."""


class BindClass:
    """Base of classes whose instances, as return annotations, bind results to them."""


class Py2JsConverter:
    """An argument annotation: pre_convert(value) is what JS gets."""

    def __init__(self, pre_convert):
        self.pre_convert = pre_convert


class Js2PyConverter:
    """A result annotation: post_convert(value) is what Python gets."""

    def __init__(self, post_convert):
        self.post_convert = post_convert


def _converter_class(kind, method):
    class Meta(type):
        """A class statement with this metaclass makes a converter of its static method."""

        def __new__(mcls, name, bases, namespace):
            f = namespace[method]
            return kind(f.__func__ if isinstance(f, staticmethod) else f)

    Meta.__name__ = Meta.__qualname__ = kind.__name__ + "Meta"
    return Meta


Py2JsConverterMeta = _converter_class(Py2JsConverter, "pre_convert")
Js2PyConverterMeta = _converter_class(Js2PyConverter, "post_convert")


def _converter(annotation):
    """What an annotation asks for, as Pyodide reads it: Annotated[T, X] is X, Optional[X] and
    X | None are X, Future[X] and Awaitable[X] a promise whose value is converted as X."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return annotation.__metadata__[0]
    if origin is typing.Union or origin is types.UnionType:
        args = typing.get_args(annotation)
        rest = [a for a in args if a is not type(None)]
        return _converter(rest[0]) if len(args) == 2 and len(rest) == 1 else None
    if origin is not None and getattr(origin, "__name__", None) in ("Future", "Awaitable"):
        args = typing.get_args(annotation)
        return _Promise(_converter(args[0]) if args else None)
    return annotation


class _Promise:
    """A result annotated Future[X] or Awaitable[X]: awaited, then converted as X."""

    def __init__(self, inner):
        self.inner = inner


def _hints(obj):
    try:
        return get_type_hints(obj, include_extras=True)
    except Exception:
        return getattr(obj, "__annotations__", {}) or {}


class _Plan:
    """What a call through one signature does: the stub that checks the arguments, how to split
    the bound arguments into JS positional arguments and the keyword object, and conversions."""

    def __init__(self, func):
        target = func.__func__ if ismethod(func) else func
        sig = signature(target)  # (a method's with its first parameter: the stub binds it too)
        hints = _hints(target)
        self.positional = []
        self.varpos = None
        self.keywords = []
        self.varkw = None
        self.deep = set()
        self.json = set()
        self.pre = {}
        params = []
        defaults = {}
        for p in sig.parameters.values():
            if p.kind is Parameter.POSITIONAL_OR_KEYWORD:
                raise RuntimeError("Don't currently handle POS_OR_KWD args")
            kind = _converter(hints.get(p.name))
            if kind is Deep:
                self.deep.add(p.name)
            elif kind is Json:
                self.json.add(p.name)
            elif isinstance(kind, Py2JsConverter):
                self.pre[p.name] = kind.pre_convert
            text = p.name
            if p.default is not Parameter.empty:
                defaults[p.name] = p.default
                text += f"=__defaults[{p.name!r}]"
            if p.kind is Parameter.POSITIONAL_ONLY:
                self.positional.append(p.name)
            elif p.kind is Parameter.VAR_POSITIONAL:
                self.varpos = p.name
                text = "*" + p.name
            elif p.kind is Parameter.KEYWORD_ONLY:
                if not self.varpos and not self.keywords:
                    params.append("*")
                self.keywords.append(p.name)
            elif p.kind is Parameter.VAR_KEYWORD:
                self.varkw = p.name
                text = "**" + p.name
            params.append(text)
            if p.kind is Parameter.POSITIONAL_ONLY and (
                len(self.positional) == sum(
                    q.kind is Parameter.POSITIONAL_ONLY for q in sig.parameters.values()
                )
            ):
                params.append("/")
        name = getattr(target, "__name__", "sig")
        ns = {"__defaults": defaults}
        exec(f"def _stub({', '.join(params)}):\n    return locals()\n", ns)
        stub = ns["_stub"]
        stub.__name__ = name
        stub.__qualname__ = getattr(target, "__qualname__", name)
        self.stub = stub.__get__(func.__self__) if ismethod(func) else stub
        if ismethod(func):
            self.positional = self.positional[1:]  # the bound first argument stays in Python
        self.result = _converter(hints.get("return"))
        self.is_async = iscoroutinefunction(target)

    def arguments(self, args, kwargs, keep):
        """The JS arguments of a call; the proxies made for Json arguments are added to keep
        (destroyed once the call is over)."""
        bound = self.stub(*args, **kwargs)

        def conv(name, value):
            return self._convert(name, value, keep)

        pos = [conv(n, bound[n]) for n in self.positional]
        if self.varpos:
            pos += [conv(self.varpos, v) for v in bound[self.varpos]]
        if self.keywords or self.varkw:
            from js import Object

            kw = {n: conv(n, bound[n]) for n in self.keywords}
            if self.varkw:
                kw.update({n: conv(self.varkw, v) for n, v in bound[self.varkw].items()})
            o = Object.new()
            for n, v in kw.items():
                setattr(o, n, v)
            pos.append(o)
        return pos

    def _convert(self, name, value, keep):
        if name in self.pre:
            return self.pre[name](value)
        if name in self.deep:
            from pyodide.ffi import to_js

            return to_js(value)
        if name in self.json and _is_container(value):
            from pyodide.ffi import create_proxy

            proxy = create_proxy(value)
            keep.append(proxy)
            return proxy.asJsJson()
        return value


def _is_container(value):
    return not isinstance(value, (str, int, float, type(None))) and hasattr(value, "__getitem__")


def _plan(func):
    owner = func.__func__ if ismethod(func) else func
    plan = getattr(owner, "_sangam_js_plan", None)
    if plan is None or (ismethod(func) and plan.stub.__self__ is not func.__self__):
        plan = _Plan(func)
        try:
            owner._sangam_js_plan = plan
        except (AttributeError, TypeError):
            pass
    return plan


def _convert_result(value, annotation):
    if isinstance(annotation, Js2PyConverter):
        return annotation.post_convert(value)
    if annotation is Deep and hasattr(value, "to_py"):
        return value.to_py()
    if annotation is Json and hasattr(value, "as_py_json"):
        try:
            return value.as_py_json()
        except TypeError:
            return value
    if isclass(annotation) and issubclass(annotation, BindClass) and hasattr(value, "bind_sig"):
        return value.bind_sig(annotation)
    return value


def _release(keep):
    for proxy in keep:
        proxy.destroy()


def call(raw, sig, construct, args, kwargs):
    """A call of the bound proxy: raw is the same JS value without the signature."""
    if construct:
        func = sig.__init__.__get__(sig)
    elif isclass(sig):
        func = sig.__call__.__get__(sig)
    else:
        func = sig
    if not callable(func):
        return raw.new(*args, **kwargs) if construct else raw(*args, **kwargs)
    plan = _plan(func)
    keep = []
    try:
        js_args = plan.arguments(args, kwargs, keep)
        if construct:  # the instance is bound to sig if sig is a BindClass
            return _convert_result(raw.new(*js_args), sig)
        result = raw(*js_args)
    except BaseException:
        _release(keep)
        raise
    promise = plan.result if isinstance(plan.result, _Promise) else None
    if plan.is_async or promise:
        import asyncio

        inner = promise.inner if promise else plan.result

        async def settle():
            try:
                return _convert_result(await result, inner)
            finally:
                _release(keep)

        return asyncio.ensure_future(settle())
    _release(keep)
    return _convert_result(result, plan.result)


def attribute(sig, name, value):
    """An attribute read through a proxy bound to sig: bound to what sig says it is."""
    hint = _converter(_hints(sig).get(name))
    if hint is None and isclass(sig) and getattr_static(sig, name, None) is None:
        # No annotation or member of that name: __getattr__'s return annotation, if any.
        fallback = getattr(sig, "__getattr__", None)
        hint = _converter(_hints(fallback).get("return")) if fallback else None
    if isinstance(hint, _Promise) and hasattr(value, "then"):
        import asyncio

        async def settle():
            return _convert_result(await value, hint.inner)

        return asyncio.ensure_future(settle())
    if isclass(hint) and issubclass(hint, BindClass) and hasattr(value, "bind_sig"):
        return value.bind_sig(hint)
    if hint in (Deep, Json) or isinstance(hint, Js2PyConverter):
        return _convert_result(value, hint)
    member = getattr_static(sig, name, None) if isclass(sig) else None
    if member is not None and callable(member) and hasattr(value, "bind_sig"):
        return value.bind_sig(member.__get__(sig))
    return value
