"""A model library built on tf.contrib (gone in TensorFlow 2)."""
import tensorflow as tf
from tensorflow.contrib import slim


def net(images, is_training=True):
    with slim.arg_scope([slim.conv2d], padding="SAME",
                        weights_initializer=tf.contrib.layers.xavier_initializer()):
        net = slim.conv2d(images, 16, [3, 3], scope="conv1")  # first block
        net = slim.max_pool2d(net, [2, 2])
    flat = tf.layers.flatten(net)
    return tf.layers.dense(flat, 10, name="logits")


def inputs(batch_size):
    return tf.placeholder(tf.float32, [batch_size, 32, 32, 3])
