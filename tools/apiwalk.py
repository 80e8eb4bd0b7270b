"""Shared helpers of tools/gen_tables.py and tools/gen_api.py: walking a package's public
module tree, reading signatures, and the API listing format of tools/api/*.txt.

Listing format (one file per package and mode, UTF-8, "\\n" line ends):

    # api: <package> <version>[, <package> <version>...]
    # mode: <how the interpreter was set up>              (optional)
    # source: <generator and what was walked>
    # kinds: module namespace private class function method value
    # names: <number of data lines>
    <dotted name>\\t<kind>[\\t<extra>]

sorted by name, one line per name.  Kinds:

* module     a module object that `import <name>` / `from <name> import x` accepts;
             <extra>, when present, is the module's real `__name__` (a second spelling of the
             same module, whose members are listed under this name only);
* namespace  a module object reachable as an attribute only: `import <name>` fails
             (`tensorflow_probability.distributions`, `tf.compat.v1.keras`);
* private    an importable module outside the public tree (`tf.python.ops.array_ops`):
             its members are not listed;
* class      <extra> is the constructor's signature (see below);
* function   any other callable (functions, static and class methods, callable objects);
             <extra> is its signature;
* method     an instance method of one of a few classes (keras Model, Sequential, Layer);
* value      anything else (constants, enum members, dtypes).

Class members are listed for static/class methods, constants and nested classes only (not
instance methods or properties, except for the `method` classes).  TensorFlow names are
written in the `tf.` spelling: `tf.x.y` is the attribute chain of `import tensorflow as tf`,
and for module kinds `import tensorflow.x.y`.

Signature (<extra> of class, function, method): the parameter names in Python's notation
without defaults or annotations, comma separated: `x,y,/,z,*args,k,**kwargs` (a bare `*`
before keyword-only parameters when there is no `*args`).  `?` means unreadable (a builtin
without a text signature).  A class's signature is its `__init__`'s (`self` dropped), or that
of the class itself when `__init__` is object's.  When an `__init__` takes `**kwargs` and
passes them to a base `__init__` (`super().__init__(..., **kwargs)`), the keyword parameters
of that base are merged in (as keyword-only), repeatedly, so `Dense` lists `name` and
`trainable`; `**` stays only if the last `__init__` of the chain takes it.
"""

import importlib
import inspect
import io
import contextlib
import os
import re
import sys
import types

KINDS = ("module", "namespace", "private", "class", "function", "method", "value")

# Modules that are generated TensorFlow API modules (descended into by the TensorFlow walk).
API_MODULE_MARKERS = ("._api.", ".api.", "._v1.", "._v2.", "._tf_keras.")


def unwrap(obj):
    """The innermost undecorated object (where tf_export stores its metadata)."""
    if "tensorflow" in sys.modules:
        try:
            from tensorflow.python.util import tf_decorator
            return tf_decorator.unwrap(obj)[1]
        except Exception:
            pass
    try:
        return inspect.unwrap(obj)
    except Exception:
        return obj


def is_tf_api_module(mod):
    """A generated TensorFlow/Keras API module (the TensorFlow walk descends into these)."""
    name = getattr(mod, "__name__", "") or ""
    if name in ("tensorflow", "tensorflow.compat.v1", "tensorflow.compat.v2"):
        return True
    top = name.split(".")[0]
    if top not in ("tensorflow", "keras", "tensorflow_estimator", "tensorboard", "tf_keras"):
        return False
    if top in ("keras", "tf_keras") and ".src" not in name:  # Keras 3 ships its API as keras.<module>
        return True
    return (any(m in name for m in API_MODULE_MARKERS)
            or name.startswith(("tensorflow.compat.", "tensorboard.summary._tf")))


def walk(root, prefix, descend=is_tf_api_module, skip=(), once=False, use_all=False):
    """Map every public dotted path under `root` to its object.

    Descends only into modules for which `descend(module)` holds (others are recorded as
    leaves), never into `prefix.compat.v1`/`.v2` (TensorFlow walks them separately), never
    into a path in `skip` (recorded as a leaf) and never around a cycle.  Names starting with
    `_` are left out.  `descend` may return None to drop a module altogether.  With `once`,
    the walk is breadth-first and enters each module object only at its first (shortest)
    path; its other paths are leaves (libraries whose modules import each other would
    otherwise be walked along every path).  With `use_all`, a module that defines `__all__`
    contributes only those names (its public API; not the implementation modules and helpers
    that are attributes too).
    """
    out = {}
    stack = [(prefix, root, ())]
    entered = set()
    while stack:
        path, mod, ancestors = stack.pop(0) if once else stack.pop()
        out[path] = mod
        if once:
            if id(mod) in entered:
                continue
            entered.add(id(mod))
        ancestors = ancestors + (id(mod),)
        try:
            names = getattr(mod, "__all__", None) if use_all else None
            names = sorted(set(names) if names is not None else dir(mod))
        except Exception:
            continue
        for name in names:
            if name.startswith("_"):
                continue
            full = path + "." + name
            if name in ("v1", "v2") and path.endswith(".compat"):
                continue
            try:
                value = getattr(mod, name)
            except Exception:
                continue
            if isinstance(value, types.ModuleType):
                verdict = descend(value)
                if verdict is None:
                    continue
                if id(value) in ancestors or full.count(".") > 10 or not verdict or full in skip \
                        or (once and id(value) in entered):
                    out.setdefault(full, value)
                    continue
                stack.append((full, value, ancestors))
            else:
                out[full] = value
    return out


# ----------------------------------------------------------------------------------
# Signatures
# ----------------------------------------------------------------------------------

# `super().__init__(..., **kw)`, `super(C, self).__init__(..., **kw)`, `Base.__init__(self, ..., **kw)`
FORWARD_RE = re.compile(r"(super\([^)]*\)|\b(\w+))\.__init__\((?:[^()]|\([^()]*\))*\*\*\w+")


def _params(fn, drop_first):
    params = list(inspect.signature(fn, follow_wrapped=True).parameters.values())
    return params[1:] if drop_first and params else params


def _forwarded_to(fn, mro, owner):
    """The class whose __init__ `fn` (the __init__ of `owner`) passes its **kwargs to, or None
    (no such call, or several different ones)."""
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError):
        return None
    later = mro[mro.index(owner) + 1:]
    targets = set()
    for m in FORWARD_RE.finditer(src):
        if m.group(2):
            k = next((k for k in later if k.__name__ == m.group(2)), None)
        else:
            k = next((k for k in later if "__init__" in k.__dict__), None)
        if k is None:
            return None
        targets.add(k)
    return targets.pop() if len(targets) == 1 else None


def class_params(cls):
    """Constructor parameters of a class, with keyword parameters of the base __init__s that
    **kwargs is forwarded to (see the module docstring)."""
    P = inspect.Parameter
    owner = next((k for k in cls.__mro__ if "__init__" in k.__dict__), object)
    if owner is object:
        return list(inspect.signature(cls).parameters.values())
    fn = unwrap(owner.__dict__["__init__"])
    params = _params(fn, True)
    if any(p.kind == P.VAR_POSITIONAL for p in params):  # (*args, **kwargs): opaque, keep it
        return params
    seen = {p.name for p in params}
    mro = list(cls.__mro__)
    while params and params[-1].kind == P.VAR_KEYWORD:
        base = _forwarded_to(fn, mro, owner)
        if base is None or base is object or "__init__" not in base.__dict__:
            break
        fn = unwrap(base.__dict__["__init__"])
        try:
            more = _params(fn, True)
        except (TypeError, ValueError):
            break
        var_kw = params.pop()
        for p in more:
            if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY) and p.name not in seen:
                params.append(p.replace(kind=P.KEYWORD_ONLY, default=None))
                seen.add(p.name)
        if not any(p.kind == P.VAR_KEYWORD for p in more):
            break
        params.append(var_kw)
        owner = base
    return params


def render(params):
    """Python's notation of a parameter list without defaults or annotations."""
    P = inspect.Parameter
    out, saw_pos_only, star = [], False, False
    for p in params:
        if p.kind == P.POSITIONAL_ONLY:
            saw_pos_only = True
        elif saw_pos_only:
            out.append("/")
            saw_pos_only = False
        if p.kind == P.VAR_POSITIONAL:
            out.append("*" + p.name)
            star = True
        elif p.kind == P.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
            out.append(p.name)
        elif p.kind == P.VAR_KEYWORD:
            out.append("**" + p.name)
        else:
            out.append(p.name)
    if saw_pos_only:
        out.append("/")
    return ",".join(out)


def signature_of(obj, method=False):
    """Rendered signature of a class or callable (an instance method: `self` dropped), or "?"."""
    try:
        target = unwrap(obj)
        if inspect.isclass(target):
            return render(class_params(target))
        return render(_params(target, method))
    except Exception:
        return "?"


# ----------------------------------------------------------------------------------
# Listing entries
# ----------------------------------------------------------------------------------

def importable(dotted):
    """`import dotted` works here (output of the import swallowed)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            importlib.import_module(dotted)
        return True
    except BaseException:
        return False


def class_members(cls):
    """(name, object) of a class's static/class methods, constants and nested classes."""
    out = []
    for k in sorted(dir(cls)):
        if k.startswith("_"):
            continue
        try:
            raw = inspect.getattr_static(cls, k)
            value = getattr(cls, k)
        except Exception:
            continue
        if isinstance(raw, (staticmethod, classmethod)) or inspect.isclass(value):
            out.append((k, value))
        elif isinstance(raw, property) or callable(raw) or inspect.isdatadescriptor(raw) \
                or inspect.ismethoddescriptor(raw):
            continue
        else:
            out.append((k, value))
    return out


def instance_methods(cls):
    """(name, function) of a class's public instance methods."""
    out = []
    for k in sorted(dir(cls)):
        if k.startswith("_"):
            continue
        try:
            raw = inspect.getattr_static(cls, k)
        except AttributeError:
            continue
        if inspect.isfunction(raw):
            out.append((k, raw))
    return out


def entries(objects, to_import, public_real_name, with_signatures=True, method_classes=()):
    """Listing entries {name: (kind, extra)} of a walk.

    to_import(name) is the dotted path to try `import` with (None: not importable by
    design); public_real_name(module) is a module's `__name__` when it is a public spelling
    worth listing (else None); method_classes are names whose instance methods are listed.
    """
    out = {}
    for name, obj in objects.items():
        if isinstance(obj, types.ModuleType):
            target = to_import(name)
            kind = "module" if target and importable(target) else "namespace"
            real = public_real_name(obj)
            out[name] = (kind, real if real and real != target else "")
        elif inspect.isclass(obj):
            out[name] = ("class", signature_of(obj) if with_signatures else "")
            for k, v in class_members(obj):
                sub = name + "." + k
                if sub in objects:
                    continue
                if inspect.isclass(v):
                    out[sub] = ("class", signature_of(v) if with_signatures else "")
                elif callable(v):
                    out[sub] = ("function", signature_of(v) if with_signatures else "")
                else:
                    out[sub] = ("value", "")
            if name in method_classes:
                for k, v in instance_methods(obj):
                    out.setdefault(name + "." + k, ("method", signature_of(v, True) if with_signatures else ""))
        elif callable(obj):
            out[name] = ("function", signature_of(obj) if with_signatures else "")
        else:
            out[name] = ("value", "")
    return out


def write_listing(path, header, entries_):
    """Write a listing (see the module docstring); header is [(key, value)] without `names`."""
    lines = ["# %s: %s" % kv for kv in header]
    lines.append("# kinds: " + " ".join(KINDS))
    lines.append("# names: %d" % len(entries_))
    for name in sorted(entries_):
        kind, extra = entries_[name]
        assert kind in KINDS and "\t" not in name and "\n" not in extra, (name, kind, extra)
        lines.append("%s\t%s\t%s" % (name, kind, extra) if extra else "%s\t%s" % (name, kind))
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def read_listing(path):
    """(header dict, {name: (kind, extra)}) of a listing."""
    header, out = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                k, sep, v = line[1:].strip().partition(": ")
                if sep:
                    header[k] = v
                continue
            if not line:
                continue
            cols = line.split("\t")
            out[cols[0]] = (cols[1] if len(cols) > 1 else "value", cols[2] if len(cols) > 2 else "")
    return header, out


# ----------------------------------------------------------------------------------
# TensorFlow
# ----------------------------------------------------------------------------------

TF_METHOD_CLASSES = ("tf.keras.Model", "tf.keras.Sequential", "tf.keras.layers.Layer")


def tf_to_import(name):
    return "tensorflow" + name[2:]


def tf_walk(tf):
    """Dotted names of the TF2 API (tf.*, walked from tf.compat.v2) and of tf.compat.v1.*."""
    objects = walk(tf.compat.v2, "tf")
    objects.update(walk(tf.compat.v1, "tf.compat.v1"))
    return objects


def tf_private_modules(tf):
    """tf.python.* and tf.core.*: the importable modules of tensorflow/python and
    tensorflow/core (packages with an __init__.py and their .py files)."""
    base = os.path.dirname(os.path.abspath(tf.__file__))
    parent = os.path.dirname(base)
    found = []
    for sub in ("python", "core"):
        for root, dirs, files in os.walk(os.path.join(base, sub)):
            dirs.sort()
            if "__init__.py" not in files:
                dirs[:] = []
                continue
            package = os.path.relpath(root, parent).replace(os.sep, ".")
            found.append(package)
            found.extend(package + "." + f[:-3] for f in sorted(files)
                         if f.endswith(".py") and f != "__init__.py" and not f.startswith("_"))
    found = [n for n in found if not any(p.startswith("_") for p in n.split("."))]
    return ["tf" + n[len("tensorflow"):] for n in found if importable(n)]


def tf_entries(tf, objects=None):
    """Listing entries of this TensorFlow: the public walk (`objects`, else walked now), then
    the private modules."""
    objects = tf_walk(tf) if objects is None else objects
    out = entries(objects, tf_to_import, lambda m: None, method_classes=TF_METHOD_CLASSES)
    for name in tf_private_modules(tf):
        out.setdefault(name, ("private", ""))
    return out


def tf_header(versions, legacy_keras=False):
    """Header of a TensorFlow listing, whichever script writes it (gen_tables.py --api-dir or
    gen_api.py): [(key, value)]; versions is [(package, version)], TensorFlow first."""
    return [
        ("api", ", ".join("%s %s" % tuple(v) for v in versions)),
        ("mode", "TF_USE_LEGACY_KERAS=1 (tf.keras is tf_keras)" if legacy_keras
         else "default (tf.keras as shipped)"),
        ("source", "generated by tools/gen_api.py or tools/gen_tables.py --api-dir: module walk of "
                   "tf.* (tf.compat.v2) and tf.compat.v1.*, generated API modules only (incl. tf.keras "
                   "and tf.estimator where present), then the importable modules of tensorflow/python "
                   "and tensorflow/core (private)"),
    ]
