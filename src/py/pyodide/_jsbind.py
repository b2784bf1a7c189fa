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

from inspect import Parameter, getattr_static, iscoroutinefunction, isclass, ismethod, signature
from typing import get_type_hints


class Deep:
    """Annotation: convert this argument with to_js, this result with to_py (deeply)."""


class BindClass:
    """Base of classes whose instances, as return annotations, bind results to them."""


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
        params = []
        defaults = {}
        for p in sig.parameters.values():
            if p.kind is Parameter.POSITIONAL_OR_KEYWORD:
                raise RuntimeError("Don't currently handle POS_OR_KWD args")
            if hints.get(p.name) is Deep:
                self.deep.add(p.name)
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
        self.result = hints.get("return")
        self.is_async = iscoroutinefunction(target)

    def arguments(self, args, kwargs):
        bound = self.stub(*args, **kwargs)
        conv = self._convert
        pos = [conv(n, bound[n]) for n in self.positional]
        if self.varpos:
            pos += [conv(self.varpos, v) for v in bound[self.varpos]]
        if self.keywords or self.varkw:
            from js import Object

            kw = {n: conv(n, bound[n]) for n in self.keywords}
            if self.varkw:
                kw.update(bound[self.varkw])
            pos.append(Object.fromEntries(list(kw.items())))
        return pos

    def _convert(self, name, value):
        if name in self.deep:
            from pyodide.ffi import to_js

            return to_js(value)
        return value


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
    if annotation is Deep and hasattr(value, "to_py"):
        return value.to_py()
    if isclass(annotation) and issubclass(annotation, BindClass) and hasattr(value, "bind_sig"):
        return value.bind_sig(annotation)
    return value


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
    js_args = plan.arguments(args, kwargs)
    if construct:  # the instance is bound to sig if sig is a BindClass
        return _convert_result(raw.new(*js_args), sig)
    result = raw(*js_args)
    if plan.is_async:
        import asyncio

        async def settle():
            return _convert_result(await result, plan.result)

        return asyncio.ensure_future(settle())
    return _convert_result(result, plan.result)


def attribute(sig, name, value):
    """An attribute read through a proxy bound to sig: bound to what sig says it is."""
    hint = _hints(sig).get(name)
    if isclass(hint) and issubclass(hint, BindClass) and hasattr(value, "bind_sig"):
        return value.bind_sig(hint)
    if hint is Deep and hasattr(value, "to_py"):
        return value.to_py()
    member = getattr_static(sig, name, None) if isclass(sig) else None
    if member is not None and callable(member) and hasattr(value, "bind_sig"):
        return value.bind_sig(member.__get__(sig))
    return value
