"""Runnability case for textgenrnn (no tests ship with the package): load the pretrained model
that ships inside the package and generate text, or fine-tune it for one epoch on a few lines,
as its README shows.

    python textgenrnn_case.py generate|train
"""
import sys

from textgenrnn import textgenrnn

gen = textgenrnn()
if sys.argv[1] == "train":
    texts = ["the quick brown fox jumps over the lazy dog %d" % i for i in range(20)]
    gen.train_on_texts(texts, num_epochs=1, gen_epochs=0, batch_size=8, max_gen_length=20)
out = gen.generate(2, return_as_list=True, max_gen_length=30)
assert len(out) == 2 and all(isinstance(s, str) for s in out), out
print("ok", out)
