"""A script someone half migrated with the one-line cheat: TF1 code under tf.compat.v1."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

x = tf.placeholder(tf.float32, [None, 4], name="x")
h = tf.contrib.layers.fully_connected(x, 8)  # contrib is gone even under compat.v1
y = tf.reduce_sum(tf.log(tf.nn.softmax(h) + 1e-6), axis=1, keep_dims=True)

assert type(x) is tf.Tensor, "a placeholder is a Tensor"

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(y, {x: np.ones((2, 4), np.float32)}).shape)
