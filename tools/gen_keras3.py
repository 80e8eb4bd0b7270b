#!/usr/bin/env python3
"""Generate keras3_removed.tsv: the keyword arguments Keras 2 callables accept and their Keras 3
counterparts reject, with what tf2-migrate does about each, from the recorded API listings.

    python3 tools/gen_keras3.py --out core/src/rules/data [--api-dir tools/api]

Keras 2 is tf_keras (tools/api/tf_keras-*.txt, the Keras 2 line that standalone `keras` 2.x and
tf.keras up to TensorFlow 2.15 share); Keras 3 is keras (tools/api/keras-*.txt, what tf.keras is
from TensorFlow 2.16).  For every class or function of Keras 2 whose `keras.*` counterpart exists
in Keras 3 with a closed signature (no open **kwargs: Keras 3 layers validate their keywords), each
Keras 2 keyword the Keras 3 signature lacks is a row.

What happens to a keyword (the `action` column):
  * a keyword name: renamed.  Derived where Keras 3 has a new parameter at the removed one's
    position (LeakyReLU alpha -> negative_slope, to_categorical y -> x) and CONFIRMED_RENAMES
    has the pair, or from POLICY_FOR (regularizers.l2 l -> l2);
  * a template with `{}` (the old value): the argument is rewritten (Embedding input_length=n ->
    input_shape=(n,));
  * `-`: dropped (a review-level fix: performance hints, the Keras 2 random-generator choice...);
  * `keras2`: no Keras 3 form keeps the meaning (batch_input_shape=, time_major=, weights=): a
    file of standalone Keras that uses it keeps Keras 2, as `import tf_keras as keras`.
Every removed keyword needs a decision in POLICY (or a derived rename): the run fails on a new one.
Rows are per callable, or per module where more Keras 2 callables of the module lose the keyword
(with the same action) than keep it (`keras.layers  batch_input_shape`); the module's callables that keep
it then get `=` rows (`keras.layers.InputLayer  batch_size  =`).

Python 3 standard library only; no Keras needed.  Output: sorted, no dates.
"""

import argparse
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiwalk  # noqa: E402

GENERATOR = "tools/gen_keras3.py"

KERAS2 = "Keras 2 only: keep Keras 2 for this file (tf_keras)"
# keyword -> (action, note).  Reviewed by hand against the Keras 3 migration guide
# (keras.io/guides/migrating_to_keras_3) and the Keras 3 sources.
POLICY = {
    "batch_input_shape": ("keras2", "Keras 3 layers take no batch_input_shape=: a Keras 3 model starts with keras.Input(batch_shape=...) (stateful RNNs need it)"),
    "batch_size": ("keras2", "Keras 3 layers take no batch_size=: a Keras 3 model starts with keras.Input(batch_size=...)"),
    "weights": ("keras2", "Keras 3 layers take no initial weights=: set them with layer.set_weights(...) once the layer is built"),
    "time_major": ("keras2", "Keras 3 recurrent layers are batch-major only: transpose the inputs yourself"),
    "groups": ("keras2", "Keras 3 has no grouped transposed or separable convolutions"),
    "layer": ("keras2", "Keras 3's get_source_inputs takes a tensor only"),
    "node_index": ("keras2", "Keras 3's get_source_inputs takes a tensor only"),
    "dynamic": ("-", "Keras 3 has no dynamic=: layers run eagerly or under tf.function as the model runs"),
    "implementation": ("-", "implementation= was a performance hint of Keras 2 (RNN, locally connected layers); Keras 3 picks its kernel"),
    "force_generator": ("-", "Keras 2 random-generator choice; Keras 3 seeds its layers with seed= (the random stream differs)"),
    "rng_type": ("-", "Keras 2 random-generator choice; Keras 3 seeds its layers with seed= (the random stream differs)"),
    "jit_compile": ("-", "Keras 3 optimizers compile with the model: pass jit_compile= to model.compile()"),
    "adaptive_epsilon": ("-", "Keras 2's Adam-only option; Keras 3's Adam has a fixed epsilon"),
    "use_legacy_format": ("-", "Keras 3 (de)serializes one format only"),
    "input_length": ("input_shape=({},)", "Keras 3's Embedding has no input_length=: the input shape says it"),
    "grayscale": ('color_mode="grayscale" if {} else "rgb"', "grayscale= became color_mode= in Keras 2.2 and Keras 3 dropped it"),
    "sparse": ("-", "Keras 3's Embedding has no sparse gradients option"),
    "cache_dir": ("-", "Keras 3's datasets download to ~/.keras/datasets"),
    "options": ("-", "Keras 3's ModelCheckpoint takes no tf.train.CheckpointOptions"),
    "save_before_preemption": ("-", "Keras 3's BackupAndRestore has no preemption option"),
    "model_name": ("-", "Keras 3's ConvNeXt constructors take name="),
    "type_spec": ("keras2", "Keras 3's Input takes no type_spec=: give shape, dtype, sparse or ragged"),
    "softmax_robust_masking": ("-", "Keras 3's MultiHeadAttention masks the softmax itself"),
    "robust_masking": ("-", "Keras 3's Softmax masks itself"),
    "custom_objects": ("-", "Keras 3's Policy.from_config takes only the config"),
    "dtype": ("-", "Keras 3 decides this dtype itself"),
    "name": ("-", "Keras 3's activations.deserialize takes the config only"),
    "noise_shape": ("-", "Keras 3's spatial dropout computes its noise shape itself"),
    # Keyword arguments a Keras 2 base class took that did nothing for this layer.
    "filters": ("-", "ignored by Keras 2's depthwise convolutions; Keras 3 rejects it"),
    "kernel_initializer": ("-", "ignored by Keras 2's depthwise/separable convolutions (they use depthwise_/pointwise_initializer); Keras 3 rejects it"),
    "kernel_regularizer": ("-", "ignored by Keras 2's depthwise/separable convolutions (they use depthwise_/pointwise_regularizer); Keras 3 rejects it"),
    "kernel_constraint": ("-", "ignored by Keras 2's depthwise/separable convolutions (they use depthwise_/pointwise_constraint); Keras 3 rejects it"),
    "activity_regularizer": ("-", "Keras 3's preprocessing layers and metrics take no base-layer keywords"),
    "autocast": ("-", "Keras 3's preprocessing layers and metrics take no base-layer keywords"),
    "input_dim": ("-", "Keras 3's preprocessing layers and metrics take no base-layer keywords"),
    "input_shape": ("-", "Keras 3's preprocessing layers and metrics take no base-layer keywords"),
    "trainable": ("-", "Keras 3's preprocessing layers and metrics take no base-layer keywords"),
}
# Decisions for one callable (callable, keyword) -> (action, note), before POLICY.
POLICY_FOR = {
    ("keras.layers.BatchNormalization", "fused"): ("-", "fused= chose the Keras 2 kernel; Keras 3 picks its own"),
    ("keras.layers.BatchNormalization", "adjustment"): ("keras2", "Keras 3's BatchNormalization has no adjustment="),
    ("keras.layers.BatchNormalization", "virtual_batch_size"): ("keras2", "Keras 3's BatchNormalization has no ghost batch normalization (virtual_batch_size=)"),
    ("keras.regularizers.L1", "l"): ("l1", "Keras 3 calls it l1="),
    ("keras.regularizers.l1", "l"): ("l1", "Keras 3 calls it l1="),
    ("keras.regularizers.L2", "l"): ("l2", "Keras 3 calls it l2="),
    ("keras.regularizers.l2", "l"): ("l2", "Keras 3 calls it l2="),
}
# Renames derived from a new Keras 3 parameter at the removed one's position (with the same
# parameters before it, and the same one after it or none), confirmed by hand: other such pairs
# are coincidences (RNN time_major / zero_output_for_mask) and go through POLICY.
CONFIRMED_RENAMES = {
    ("alpha", "negative_slope"),  # LeakyReLU, activations.relu (Keras 3 migration guide)
    ("y", "x"),                   # utils.to_categorical
    ("name", "config"),           # activations.deserialize
}
# Constructor parameters of Keras 2 base classes that subclasses set themselves: never passed by
# user code, no rows.
INTERNAL = {"conv_op", "pool_function"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--api-dir", default="tools/api")
    args = ap.parse_args()
    def load(prefix):
        header, entries = apiwalk.read_listing(apiwalk.find_listing(args.api_dir, prefix, "gen_keras3"))
        return entries, header.get("api", "")

    keras2, api2 = load("tf_keras-")
    keras3, api3 = load("keras-")
    removed = {}  # keras.X -> {keyword: (action, note)}
    takes = defaultdict(set)  # (module, keyword) -> Keras 2 callables of the module that take it
    unknown = []
    for name, (kind, sig) in sorted(keras2.items()):
        if kind not in ("class", "function") or sig in ("", "?"):
            continue
        spelled = "keras." + name[len("tf_keras."):]
        module = spelled.rsplit(".", 1)[0]
        pos2, kw2, _ = apiwalk.parse_signature(sig)
        for kw in kw2:
            takes[(module, kw)].add(spelled)
        other = keras3.get(spelled)
        if not other or other[0] not in ("class", "function") or other[1] in ("", "?"):
            continue
        pos3, kw3, var_kw3 = apiwalk.parse_signature(other[1])
        if var_kw3:
            continue  # Keras 3 takes anything here: nothing is known to fail
        rows = {}
        for kw in sorted(kw2 - kw3 - INTERNAL):
            i = pos2.index(kw) if kw in pos2 else None
            new = None
            if i is not None and i < len(pos3) and pos2[:i] == pos3[:i]:
                after2, after3 = pos2[i + 1:i + 2], pos3[i + 1:i + 2]
                if after2 == after3 and pos3[i] not in kw2:
                    new = pos3[i]
            if (spelled, kw) in POLICY_FOR:
                rows[kw] = POLICY_FOR[(spelled, kw)]
            elif new and (kw, new) in CONFIRMED_RENAMES:
                rows[kw] = (new, f"Keras 3 calls it {new}=")
            elif kw in POLICY:
                rows[kw] = POLICY[kw]
            else:
                unknown.append(f"{spelled} {kw}")
        if rows:
            removed[spelled] = rows
    if unknown:
        sys.exit("gen_keras3: removed keywords without a POLICY entry:\n  " + "\n  ".join(unknown))
    # A module row where the callables of the module that lose the keyword (two or more) all do
    # with the same action; the module's other Keras 2 callables that take it get `=` rows (kept:
    # Keras 3 still takes it there, or the Keras 3 signature is open).
    by_module = defaultdict(dict)
    for spelled, rows in removed.items():
        by_module[spelled.rsplit(".", 1)[0]][spelled] = rows
    out = []
    for module, members in sorted(by_module.items()):
        keywords = sorted({kw for rows in members.values() for kw in rows})
        lifted = set()
        for kw in keywords:
            losers = {c for c, rows in members.items() if kw in rows}
            actions = {members[c][kw] for c in losers}
            keepers = {c for c in takes[(module, kw)] - losers if c in keras3}
            if len(losers) < 2 or len(actions) != 1 or len(keepers) >= len(losers):
                continue
            action, note = actions.pop()
            out.append((module, kw, action, note))
            lifted.add(kw)
            for keeper in sorted(keepers):  # a callable Keras 3 lacks altogether is flagged by name
                out.append((keeper, kw, "=", "Keras 3 still takes it here"))
        for spelled, rows in sorted(members.items()):
            for kw, (action, note) in sorted(rows.items()):
                if kw not in lifted:
                    out.append((spelled, kw, action, note))
    out.sort()
    path = os.path.join(args.out, "keras3_removed.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# table: keras3_removed\n")
        f.write("# columns: Keras 2 callable or module (keras.* spelling; tf.keras.* matches too), keyword Keras 3 rejects,"
                " action (a new keyword name; a template with {} for the old value; - = dropped; keras2 = no Keras 3 form:"
                " the file keeps Keras 2 as tf_keras; = kept: an exception to its module's row), why\n")
        f.write(f"# source: generated by {GENERATOR} from the API listings of tools/api (Keras 2: {api2}; Keras 3: {api3}):"
                " keywords of Keras 2 signatures missing from the closed Keras 3 signature; actions from its POLICY"
                " (renames derived from a new parameter at the same position)\n")
        f.write(f"# rows: {len(out)}\n")
        for row in out:
            f.write("\t".join(row) + "\n")
    print(f"gen_keras3: {len(out)} rows -> {path}")


if __name__ == "__main__":
    main()
