#!/usr/bin/env python3
"""Record the API listings of the packages that migrated code runs on (tools/api/*.txt).

    tools/gen_api.py --python PY221/bin/python --out tools/api [--only SPEC...]

Each SPEC is listed in a fresh interpreter (`--python`, default: this one) and written to
`<package>-<version>[-<mode>].txt` in the format described in tools/apiwalk.py:

  tensorflow              tf.* and tf.compat.v1.* as shipped (TF >= 2.16: tf.keras is Keras 3);
                          the same file `gen_tables.py --api-dir` writes for this TensorFlow
  tensorflow-legacy-keras the same with TF_USE_LEGACY_KERAS=1 (tf.keras is tf_keras, Keras 2;
                          tf.compat.v1.layers and tf.compat.v1.nn.rnn_cell work)
  keras                   standalone Keras (keras.*), public API modules (not keras.src)
  tf_keras                tf_keras.* (Keras 2 for TensorFlow >= 2.16)
  tensorflow_probability  tensorflow_probability.* (not .python, not .substrates: modules of
                          the public tree carry their real tensorflow_probability.python.* name)
  tf_slim                 tf_slim.*
  numpy                   numpy.* (names and kinds only, no signatures)

Helper mode: `--dump SPEC FILE` writes this interpreter's listing of SPEC as JSON.
Python 3 standard library only (besides the packages listed).
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiwalk  # noqa: E402

GENERATOR = "tools/gen_api.py"
SPECS = ("tensorflow", "tensorflow-legacy-keras", "keras", "tf_keras",
         "tensorflow_probability", "tf_slim", "numpy")

# Packages walked like any library: descend into modules of the package itself, skip (as
# leaves) the paths given, and leave out modules of other packages (re-exported imports such
# as tf_slim.array_ops).  methods: classes whose instance methods are listed; use_all: a module
# with __all__ contributes those names only (tfp's modules also expose their implementation
# modules as attributes).  submodules: also import the package's public modules on disk first
# (tf_slim/__init__.py leaves out tf_slim.nets): listed as modules with the `+import` token,
# since only `import tf_slim.nets` (or a from-import of it) makes them reachable.
PACKAGES = {
    "keras": {"skip": (), "methods": ("keras.Model", "keras.Sequential", "keras.layers.Layer")},
    "tf_keras": {"skip": (), "methods": ("tf_keras.Model", "tf_keras.Sequential", "tf_keras.layers.Layer")},
    "tensorflow_probability": {"skip": ("tensorflow_probability.python", "tensorflow_probability.substrates"),
                               "methods": (), "use_all": True},
    "tf_slim": {"skip": (), "methods": (), "submodules": True},
    "numpy": {"skip": (), "methods": (), "signatures": False},
}


def quiet_imports():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import warnings
    warnings.filterwarnings("ignore")


def private_part(name):
    return any(p.startswith("_") or p in ("src", "internal") for p in name.split(".")[1:])


def package_descend(package):
    def descend(mod):
        name = getattr(mod, "__name__", "") or ""
        if name != package and not name.startswith(package + "."):
            return None  # another package's module, imported for internal use
        if "internal" in name.split("."):
            return None  # tfp's python.internal helpers, exposed as attributes of public modules
        return not private_part(name)
    return descend


def import_submodules(root, package):
    """Import every public module of the package on disk (not tests); the dotted names."""
    import importlib
    import pkgutil
    found = []
    for info in pkgutil.walk_packages(root.__path__, package + ".", onerror=lambda _name: None):
        parts = info.name.split(".")[1:]
        if private_part(info.name) or any(p in ("tests", "testing") or p.endswith("_test") for p in parts):
            continue
        try:
            with contextlib.redirect_stdout(sys.stderr):
                importlib.import_module(info.name)
        except Exception:
            continue
        found.append(info.name)
    return found


def package_entries(package):
    import importlib
    spec = PACKAGES[package]
    root = importlib.import_module(package)

    def walk():
        return apiwalk.walk(root, package, descend=package_descend(package), skip=spec["skip"], once=True,
                            use_all=spec.get("use_all", False))
    objects = walk()
    import_only = set()
    if spec.get("submodules"):
        reachable = set(objects)
        import_only = {m for m in import_submodules(root, package) if m not in reachable}
        objects = walk()

    def real_name(mod):
        name = getattr(mod, "__name__", "") or ""
        return name if name.startswith(package + ".") and not private_part(name) else None

    out = apiwalk.entries(objects, lambda n: n, real_name,
                          with_signatures=spec.get("signatures", True), method_classes=spec["methods"])
    # The real names of walked modules (tfp.distributions is tensorflow_probability.python.
    # distributions): importable spellings, listed without their members.
    for name, (kind, extra) in sorted(out.items()):
        real = apiwalk.real_name_of(extra)
        if kind in ("module", "namespace") and real and real not in out and apiwalk.importable(real):
            out[real] = ("module", "")
    for name in import_only & set(out):
        kind, extra = out[name]
        out[name] = (kind, (extra + " " + apiwalk.IMPORT_ONLY).strip())
    return out


def version_of(dist):
    from importlib import metadata
    return metadata.version(dist)


def dump(spec, path):
    quiet_imports()
    with contextlib.redirect_stdout(sys.stderr):
        if is_tf(spec):
            if spec == "tensorflow-legacy-keras":
                os.environ["TF_USE_LEGACY_KERAS"] = "1"
            import tensorflow as tf
            versions = [("tensorflow", tf.__version__)]
            if spec == "tensorflow-legacy-keras":
                import tf_keras
                versions.append(("tf_keras", tf_keras.__version__))
            data = {"versions": versions, "entries": apiwalk.tf_entries(tf)}
        else:
            entries = package_entries(spec)
            dist = {"tf_slim": "tf-slim", "tensorflow_probability": "tensorflow-probability",
                    "tf_keras": "tf-keras"}.get(spec, spec)
            data = {"versions": [(spec, version_of(dist))], "entries": entries}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, sort_keys=True)


def is_tf(spec):
    return spec in ("tensorflow", "tensorflow-legacy-keras")


def source_line(spec):
    skip = PACKAGES[spec]["skip"]
    return ("generated by %s: module walk of %s.* (modules of the package, not .src or _private%s)"
            % (GENERATOR, spec, "; not " + ", ".join(skip) if skip else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--python", default=sys.executable, help="interpreter with the packages installed")
    ap.add_argument("--out", help="output directory (tools/api)")
    ap.add_argument("--only", nargs="*", choices=SPECS, help="these listings only")
    ap.add_argument("--dump", nargs=2, metavar=("SPEC", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dump:
        dump(*args.dump)
        return
    if not args.out:
        ap.error("--out is required")
    import tempfile
    for spec in args.only or SPECS:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "dump.json")
            env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
            subprocess.run([args.python, os.path.abspath(__file__), "--dump", spec, out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
            with open(out, encoding="utf-8") as f:
                data = json.load(f)
        versions = data["versions"]
        if is_tf(spec):
            header = apiwalk.tf_header(versions, legacy_keras=spec == "tensorflow-legacy-keras")
        else:
            header = [("api", ", ".join("%s %s" % tuple(v) for v in versions)), ("source", source_line(spec))]
        name = "%s-%s%s.txt" % (versions[0][0], versions[0][1],
                                "-legacy-keras" if spec == "tensorflow-legacy-keras" else "")
        entries = {k: tuple(v) for k, v in data["entries"].items()}
        apiwalk.write_listing(os.path.join(args.out, name), header, entries)
        sys.stderr.write("gen_api: %s: %d names\n" % (name, len(entries)))


if __name__ == "__main__":
    main()
