#!/usr/bin/env python3
"""Write the notebook fixtures of tests/notebooks.rs (tests/fixtures/notebooks/).

Each notebook is laid out the way a real writer lays it out, so that the tests see real layouts:
nbformat's own writer (one-space indent, sources as lists of lines, raw UTF-8), `json.dump` with a
two-space indent and sources as single strings (non-ASCII escaped as Python's json does by
default), and an nbformat 3 notebook (worksheets, `input`). The code is TensorFlow 1 written for
this project; cell ids are fixed so that the files are reproducible.

    python3 tools/notebook_fixtures.py tests/fixtures/notebooks    # needs `pip install nbformat`
"""

import json
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

# A 1x1 PNG: an image output whose base64 text must come through untouched.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

PY3 = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "version": "3.6.9"},
}
PY2 = {
    "kernelspec": {"display_name": "Python 2", "language": "python", "name": "python2"},
    "language_info": {"name": "python", "version": "2.7.15"},
}


def numbered(nb):
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def tutorial_list():
    """nbformat's writer: lists of lines, raw non-ASCII, magics, a Python 2 cell, an image."""
    nb = new_notebook(metadata=PY3)
    nb.cells = [
        new_markdown_cell("# Softmax regression on TensorFlow 1 — données d'exemple ✓"),
        new_code_cell("!pip install tensorflow==1.15 keras==2.2.4\n%tensorflow_version 1.x\n%load_ext autoreload\n%autoreload 2"),
        new_code_cell("import numpy as np\nimport tensorflow as tf", execution_count=2),
        new_code_cell(
            "# Entraînement : 日本語のコメント 😀\n"
            "x = tf.placeholder(tf.float32, [None, 4], name='x')\n"
            "w = tf.Variable(tf.zeros([4, 3]))\n"
            "y = tf.nn.softmax(tf.matmul(x, w))\n"
            "loss = -tf.reduce_sum(tf.log(y), reduction_indices=[1], keep_dims=True)\n",
            execution_count=3,
            outputs=[
                new_output("stream", name="stdout", text="built the graph — ok\n"),
                new_output(
                    "display_data",
                    data={"image/png": PNG, "text/plain": ["<Figure size 432x288 with 1 Axes>"]},
                    metadata={"needs_background": "light"},
                ),
            ],
        ),
        new_code_cell(
            "print 'loss:', loss\nz = tf.log(2.0)",
            execution_count=4,
            outputs=[new_output("stream", name="stdout", text="loss: Tensor(\"Neg:0\")\n")],
        ),
        new_code_cell(
            "%%time\n"
            "with tf.Session() as sess:\n"
            "    sess.run(tf.global_variables_initializer())\n"
            "    out = sess.run(loss, {x: np.ones((2, 4))})",
            execution_count=5,
        ),
        new_code_cell("files = !ls\ntf.nn.softmax?\nsquared = tf.square(tf.to_float(3))"),
        new_code_cell(""),
        new_raw_cell("tf.log(x) in a raw cell is not code"),
    ]
    return nbformat.writes(numbered(nb)) + "\n"


def tutorial_string():
    """`json.dump(indent=2)`: sources as single strings, non-ASCII as \\u escapes, Keras 2."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "## Keras 2 model — « légende »"},
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {"collapsed": True},
            "outputs": [{"name": "stderr", "output_type": "stream", "text": "Using TensorFlow backend.\n"}],
            "source": "from keras.models import Sequential\nfrom keras.layers.core import Dense\nimport tensorflow as tf\n",
        },
        {
            "cell_type": "code",
            "execution_count": 2,
            "metadata": {},
            "outputs": [],
            "source": "# modèle à deux couches\nmodel = Sequential()\nmodel.add(Dense(8, input_dim=4, activation='relu'))\nmodel.add(Dense(1))\nmodel.compile(optimizer='sgd', loss='mse')",
        },
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {},
            "outputs": [
                {
                    "ename": "SyntaxError",
                    "evalue": "invalid syntax",
                    "output_type": "error",
                    "traceback": ["  File \"<ipython-input-3>\", line 1\n    def broken(:\n"],
                }
            ],
            "source": "def broken(:\n    return tf.log(1.0)",
        },
        {
            "cell_type": "code",
            "execution_count": 4,
            "metadata": {},
            "outputs": [
                {
                    "data": {"image/png": PNG, "text/plain": "<matplotlib.image.AxesImage at 0x7f>"},
                    "execution_count": 4,
                    "metadata": {},
                    "output_type": "execute_result",
                }
            ],
            "source": "s = tf.Session()\nprint(\"tab\\there\", s.run(tf.log(1.0)))\n",
        },
    ]
    doc = {"cells": cells, "metadata": PY3, "nbformat": 4, "nbformat_minor": 2}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def old_v3():
    """nbformat 3, as IPython 2 wrote it: worksheets, `input`, `prompt_number`, a Python 2 kernel."""
    cells = [
        {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Linear model"]},
        {
            "cell_type": "code",
            "collapsed": False,
            "input": ["import tensorflow as tf\n", "a = tf.placeholder(tf.float32)\n", "b = tf.mul(a, 2.0)"],
            "language": "python",
            "metadata": {},
            "outputs": [],
            "prompt_number": 1,
        },
        {
            "cell_type": "code",
            "collapsed": False,
            "input": ["sess = tf.Session()\n", "print sess.run(b, {a: 3.0})"],
            "language": "python",
            "metadata": {},
            "outputs": [{"output_type": "stream", "stream": "stdout", "text": ["6.0\n"]}],
            "prompt_number": 2,
        },
        {
            "cell_type": "code",
            "collapsed": False,
            "input": ["result = sess.run(tf.log(b), {a: 3.0})"],
            "language": "python",
            "metadata": {},
            "outputs": [],
            "prompt_number": 3,
        },
    ]
    doc = {"metadata": {"name": "", "signature": "sha256:0"}, "nbformat": 3, "nbformat_minor": 0,
           "worksheets": [{"cells": cells, "metadata": {}}]}
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def runnable():
    """TensorFlow 1 graph code with IPython magics that runs on TensorFlow 2 once migrated."""
    nb = new_notebook(metadata=PY3)
    nb.cells = [
        new_markdown_cell("# Fit a line with a TensorFlow 1 graph"),
        new_code_cell("import numpy as np\nimport tensorflow as tf"),
        new_code_cell(
            "%%time\n"
            "x = tf.placeholder(tf.float32, [None, 1])\n"
            "y_true = tf.placeholder(tf.float32, [None, 1])\n"
            "w = tf.Variable(tf.zeros([1, 1]))\n"
            "b = tf.Variable(tf.zeros([1]))\n"
            "y = tf.matmul(x, w) + b\n"
            "loss = tf.reduce_mean(tf.square(y - y_true), keep_dims=False)\n"
            "train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)"
        ),
        new_code_cell(
            "!echo preparing the data\n"
            "data_x = np.linspace(0, 1, 32).reshape(-1, 1).astype(np.float32)\n"
            "data_y = 3 * data_x + 1"
        ),
        new_code_cell(
            "with tf.Session() as sess:\n"
            "    sess.run(tf.global_variables_initializer())\n"
            "    for step in range(300):\n"
            "        sess.run(train, {x: data_x, y_true: data_y})\n"
            "    w_val, b_val, log2 = sess.run([w, b, tf.log(2.0)])\n"
            "print('w =', w_val.ravel(), 'b =', b_val, 'log 2 =', log2)\n"
            "assert abs(w_val.item() - 3) < 0.3 and abs(b_val.item() - 1) < 0.3, (w_val, b_val)"
        ),
    ]
    return nbformat.writes(numbered(nb)) + "\n"


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/notebooks")
    out.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("tutorial_list.ipynb", tutorial_list),
        ("tutorial_string.ipynb", tutorial_string),
        ("old_v3.ipynb", old_v3),
        ("runnable.ipynb", runnable),
    ]:
        (out / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    main()
