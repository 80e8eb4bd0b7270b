"""TF 1.x eager-mode training: eager execution switched on by hand, tfe helpers."""
import numpy as np
import tensorflow as tf
import tensorflow.contrib.eager as tfe

tf.enable_eager_execution()

w = tfe.Variable(np.zeros((3, 1), np.float32))


def loss(x, y):
    return tf.reduce_mean(tf.square(tf.matmul(x, w) - y))


grad = tfe.implicit_gradients(loss)
opt = tf.train.GradientDescentOptimizer(0.1)
x = tf.constant(np.random.rand(16, 3).astype(np.float32))
y = tf.reduce_sum(x, axis=1, keep_dims=True)
print("features: %d" % x.shape[1].value)
for step in range(100):
    opt.apply_gradients(grad(x, y))
print("loss %.4f" % loss(x, y).numpy())
