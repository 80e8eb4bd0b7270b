"""Nothing TensorFlow-specific here: tf2-migrate leaves this file alone."""


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]
