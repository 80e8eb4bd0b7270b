"""Runnability case for DeepCTR (no tests ship with the package): build one of its CTR models
on random categorical and dense features, train one epoch and predict, as its README shows.

    python deepctr_train.py MODEL     (DeepFM, xDeepFM, WDL, DCN, AutoInt, DIN)
"""
import sys

import numpy as np

from deepctr.inputs import DenseFeat, SparseFeat, VarLenSparseFeat, get_feature_names
import deepctr.models

name = sys.argv[1]
n = 64
rng = np.random.RandomState(0)
sparse = [SparseFeat("c%d" % i, vocabulary_size=10, embedding_dim=4) for i in range(3)]
dense = [DenseFeat("d%d" % i, 1) for i in range(2)]
columns = sparse + dense
data = {f.name: rng.randint(0, 10, n) for f in sparse}
data.update({f.name: rng.rand(n) for f in dense})

if name == "DIN":
    # item id plus a behaviour sequence of item ids
    columns = [SparseFeat("item", 10, embedding_dim=4), DenseFeat("d0", 1),
               VarLenSparseFeat(SparseFeat("hist_item", 10, embedding_dim=4, embedding_name="item"), maxlen=5)]
    data = {"item": rng.randint(1, 10, n), "d0": rng.rand(n), "hist_item": rng.randint(0, 10, (n, 5))}
    model = deepctr.models.DIN(columns, ["item"], dnn_hidden_units=(8,), att_hidden_size=(8,))
else:
    model = getattr(deepctr.models, name)(columns, columns, dnn_hidden_units=(8, 8))

x = {k: data[k] for k in get_feature_names(columns)}
y = rng.randint(0, 2, n)
model.compile("adam", "binary_crossentropy", metrics=["binary_crossentropy"])
model.fit(x, y, batch_size=16, epochs=1, verbose=2)
p = model.predict(x, batch_size=16)
assert p.shape == (n, 1), p.shape
assert np.all((p >= 0) & (p <= 1))
print("ok", name, float(p.mean()))
