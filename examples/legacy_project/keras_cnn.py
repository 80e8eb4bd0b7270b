"""A small CNN in standalone Keras 2, trained on random images."""
import numpy as np
import keras
from keras.models import Sequential
from keras.layers.core import Dense, Flatten, Dropout
from keras.layers.convolutional import Conv2D, MaxPooling2D
from keras.utils.np_utils import to_categorical
from keras import backend as K


def build(num_classes=4):
    model = Sequential()
    model.add(Conv2D(8, (3, 3), activation="relu", input_shape=(16, 16, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dropout(0.25))
    model.add(Dense(num_classes, activation="softmax"))
    model.compile(loss=keras.losses.categorical_crossentropy, optimizer="adam", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    images = np.random.rand(64, 16, 16, 1).astype("float32")
    labels = to_categorical(np.random.randint(0, 4, size=64), 4)
    model = build()
    model.fit(images, labels, batch_size=16, epochs=1, verbose=0)
    print("image format:", K.image_data_format(), "params:", model.count_params())
