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

* module     a module object that `import <name>` accepts, giving a module with (at least
             half of) the listed members, so that `from <name> import x` works for them;
             <extra> holds space-separated tokens: `!a,b` lists the members that the imported
             module lacks (`from tensorflow.compat.v1.app import flags` fails: `!flags`), and
             a dotted name is the module's real `__name__` when it differs (also on namespace
             lines): another spelling of the same module in this package, whose members are
             listed under one of its names only; `+import` marks a module of the package
             that the package does not import itself (tf_slim.nets): an attribute of its
             parent only once `import <name>` ran; in a TensorFlow listing, a module the walk
             does not enter (tf.compat.v1.flags is tensorflow.python.platform.flags, a wrapper
             of absl.flags), whose members are not listed;
* namespace  a module object reachable as an attribute only: `import <name>` fails
             (`tensorflow_probability.distributions`, `tf.compat.v1.keras`) or imports a module
             lacking most of its members (`tensorflow.distribute` is an on-disk package without
             the tf.distribute API);
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
before keyword-only parameters when there is no `*args`).  `?` means unknown (a builtin
without a text signature; every callable of a listing written without signatures, numpy).
A class's signature is its `__init__`'s (`self` dropped), or that of the class itself when
`__init__` is object's.  When an `__init__` takes `**kwargs` and
passes them to a base `__init__` (`super().__init__(..., **kwargs)`), the keyword parameters
of that base are merged in (as keyword-only), repeatedly, so `Dense` lists `name` and
`trainable`; `**` stays only if the last `__init__` of the chain takes it and does not
validate it: a Keras 3 `if kwargs: raise` or a tf_keras `validate_kwargs(kwargs,
allowed_kwargs)` closes the list, adding the keywords it does accept (`input_shape`).
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

# The <extra> token of a module that its package does not import: reachable as an attribute only
# after `import <name>` (tf_slim.nets).
IMPORT_ONLY = "+import"

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


KWARGS_ASSIGNED_RE = re.compile(r"\w+\s*=\s*kwargs\.(?:pop|get)\(\s*['\"](\w+)['\"]")
KWARGS_RAISE_RE = re.compile(r"\bif kwargs:\s*\n?\s*raise\b")
ALLOWED_KWARGS_RE = re.compile(r"allowed_kwargs\s*=\s*\{([^}]*)\}")


def _closed_kwargs(fn):
    """The keywords a validating **kwargs accepts, or None (anything may be accepted).  Keras 3:
    `x = kwargs.pop("input_shape", ...)` ... `if kwargs: raise` (a name only popped to warn,
    like an optimizer's `decay`, is not accepted); tf_keras: `allowed_kwargs = {...}` then
    `validate_kwargs(kwargs, allowed_kwargs)`."""
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError):
        return None
    if KWARGS_RAISE_RE.search(src):
        return set(KWARGS_ASSIGNED_RE.findall(src))
    m = ALLOWED_KWARGS_RE.search(src)
    if m and "validate_kwargs(kwargs, allowed_kwargs" in src:
        return set(re.findall(r"['\"](\w+)['\"]", m.group(1)))
    return None


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
    if params and params[-1].kind == P.VAR_KEYWORD:
        closed = _closed_kwargs(fn)
        if closed is not None:
            params.pop()
            for name in sorted(closed - seen):
                params.append(inspect.Parameter(name, P.KEYWORD_ONLY, default=None))
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


def import_gap(dotted, obj):
    """None if `import dotted` fails, else the public members of `obj` (the module walked at
    that path) that the imported module lacks.  `import tensorflow.distribute` works but finds
    the on-disk package tensorflow/distribute instead of the API module tf.distribute (`from
    tensorflow.distribute import MirroredStrategy` fails); `import tensorflow.compat.v1.app`
    gives a module without `flags`."""
    if not importable(dotted):
        return None
    got = sys.modules.get(dotted)
    if got is None or got is obj:
        return []
    try:
        names = sorted(n for n in dir(obj) if not n.startswith("_"))
    except Exception:
        return []
    return [n for n in names if not hasattr(got, n)]


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
    unknown = "" if with_signatures else "?"
    for name, obj in objects.items():
        if isinstance(obj, types.ModuleType):
            target = to_import(name)
            gap = import_gap(target, obj) if target else None
            children = [k for k in gap or () if name + "." + k in objects]
            listed = sum(1 for k in objects if k.startswith(name + ".") and "." not in k[len(name) + 1:])
            kind = "module" if gap is not None and 2 * len(children) <= listed else "namespace"
            real = public_real_name(obj)
            extra = [real] if real and real != target else []
            if kind == "module" and children:
                extra.append("!" + ",".join(children))
            out[name] = (kind, " ".join(extra))
        elif inspect.isclass(obj):
            out[name] = ("class", signature_of(obj) if with_signatures else unknown)
            for k, v in class_members(obj):
                sub = name + "." + k
                if sub in objects:
                    continue
                if inspect.isclass(v):
                    out[sub] = ("class", signature_of(v) if with_signatures else unknown)
                elif callable(v):
                    out[sub] = ("function", signature_of(v) if with_signatures else unknown)
                else:
                    out[sub] = ("value", "")
            if name in method_classes:
                for k, v in instance_methods(obj):
                    out.setdefault(name + "." + k, ("method", signature_of(v, True) if with_signatures else unknown))
        elif callable(obj):
            out[name] = ("function", signature_of(obj) if with_signatures else unknown)
        else:
            out[name] = ("value", "")
    return out


def real_name_of(extra):
    """The real module name in a module line's <extra>, or ""."""
    return next((t for t in extra.split() if not t.startswith(("!", "+"))), "")


def import_gaps_of(extra):
    """The members that `from <module> import` cannot reach, from a module line's <extra>."""
    return set(x for t in extra.split() if t.startswith("!") for x in t[1:].split(","))


def parse_signature(text):
    """(positional parameters, keyword parameters, open **kwargs) of a listing's signature
    column, or None when it is unknown (`?`)."""
    if text == "?":
        return None
    positional, keywords, var_kw, keyword_only = [], set(), False, False
    for token in filter(None, text.split(",")):
        if token == "/":
            keywords -= set(positional)
        elif token == "*":
            keyword_only = True
        elif token.startswith("**"):
            var_kw = True
        elif token.startswith("*"):
            keyword_only = True
        else:
            if not keyword_only:
                positional.append(token)
            keywords.add(token)
    return positional, keywords, var_kw


def find_listing(api_dir, prefix, who):
    """The one listing `<prefix>*.txt` in api_dir (legacy-Keras listings only when the prefix
    asks for them); exits naming `who` when there is none or several."""
    found = sorted(f for f in os.listdir(api_dir)
                   if f.startswith(prefix) and f.endswith(".txt") and ("legacy" in prefix or "legacy" not in f))
    if len(found) != 1:
        sys.exit("%s: want one %s/%s*.txt, found %s" % (who, api_dir, prefix, found))
    return os.path.join(api_dir, found[0])


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


def tf_public_modules(tf):
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


def foreign_name(mod):
    """The `__name__` of a module that the TensorFlow API re-exports but the walk does not
    enter (tf.compat.v1.flags is tensorflow.python.platform.flags, tf.compat.v1.test.mock is
    unittest.mock): its members are not listed."""
    name = getattr(mod, "__name__", "") or ""
    return name if name and not is_tf_api_module(mod) else None


def tf_entries(tf, objects=None):
    """Listing entries of this TensorFlow: the public walk (`objects`, else walked now), then
    the private modules.  The walk starts at tf.compat.v2, whose top level differs slightly
    from the `tensorflow` module that `import tensorflow as tf` binds: names missing from the
    latter (tf.enable_v2_behavior) are left out, and its own extra modules (tf.dtensor,
    tf.security, tf.tools) are listed as private."""
    objects = tf_walk(tf) if objects is None else objects
    top = set(n for n in dir(tf) if not n.startswith("_"))
    objects = {n: o for n, o in objects.items()
               if not (n.count(".") >= 1 and not n.startswith("tf.compat.v1") and n.split(".")[1] not in top)}
    objects["tf"] = tf
    out = entries(objects, tf_to_import, foreign_name, method_classes=TF_METHOD_CLASSES)
    for n in sorted(top):
        value = getattr(tf, n, None)
        if "tf." + n not in out and isinstance(value, types.ModuleType) and importable("tensorflow." + n):
            out["tf." + n] = ("private", "")
    for name in tf_public_modules(tf):
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
