import tensorflow as tf

sess = tf.Session()
print "this file is still Python 2"
