"""Runnability case for Edward (no tests ship with the package): Bayesian linear regression on
synthetic data, written as a TF1-era user script (it is migrated together with the package).

    python edward_case.py klqp|map
"""
import sys

import numpy as np
import tensorflow as tf

import edward as ed
from edward.models import Normal, PointMass

ed.set_seed(1)
N, D = 40, 3
rng = np.random.RandomState(0)
X_train = rng.randn(N, D).astype(np.float32)
w_true = rng.randn(D).astype(np.float32)
y_train = X_train.dot(w_true) + 0.1 * rng.randn(N).astype(np.float32)

X = tf.placeholder(tf.float32, [N, D])
w = Normal(loc=tf.zeros(D), scale=tf.ones(D))
b = Normal(loc=tf.zeros(1), scale=tf.ones(1))
y = Normal(loc=ed.dot(X, w) + b, scale=0.1 * tf.ones(N))

if sys.argv[1] == "klqp":
    qw = Normal(loc=tf.Variable(tf.random_normal([D])),
                scale=tf.nn.softplus(tf.Variable(tf.random_normal([D]))))
    qb = Normal(loc=tf.Variable(tf.random_normal([1])),
                scale=tf.nn.softplus(tf.Variable(tf.random_normal([1]))))
    inference = ed.KLqp({w: qw, b: qb}, data={X: X_train, y: y_train})
    inference.run(n_samples=5, n_iter=300)
else:
    qw = PointMass(params=tf.Variable(tf.zeros([D])))
    qb = PointMass(params=tf.Variable(tf.zeros([1])))
    inference = ed.MAP({w: qw, b: qb}, data={X: X_train, y: y_train})
    inference.run(n_iter=300)

y_post = ed.copy(y, {w: qw, b: qb})
mse = ed.evaluate("mean_squared_error", data={X: X_train, y_post: y_train})
print("mse", mse)
assert mse < 0.5, mse
