"""Softmax regression on random data, written the TensorFlow 1.x way."""
import numpy as np
import tensorflow as tf

FEATURES, CLASSES = 20, 3

x = tf.placeholder(tf.float32, [None, FEATURES], name="x")
y = tf.placeholder(tf.int64, [None], name="y")
keep = tf.placeholder_with_default(1.0, shape=[])

w = tf.get_variable("w", [FEATURES, CLASSES], initializer=tf.zeros_initializer())
b = tf.Variable(tf.zeros([CLASSES]))
hidden = tf.nn.dropout(tf.matmul(x, w) + b, keep_prob=keep)
logits = tf.log(tf.nn.softmax(hidden) + 1e-8)

loss = tf.reduce_mean(
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
accuracy = tf.reduce_mean(tf.to_float(tf.equal(tf.argmax(logits, 1), y)))
total = tf.reduce_sum(logits, 1, keep_dims=True)
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

if __name__ == "__main__":
    rng = np.random.RandomState(0)
    data = rng.randn(256, FEATURES).astype(np.float32)
    labels = (data[:, 0] > 0).astype(np.int64) + (data[:, 1] > 1).astype(np.int64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(50):
            _, l = sess.run([train_op, loss], feed_dict={x: data, y: labels, keep: 0.9})
        print("loss %.3f accuracy %.3f" % (l, sess.run(accuracy, {x: data, y: labels})))
