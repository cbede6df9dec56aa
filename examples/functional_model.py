"""Build your own Keras functional model from kerastl layers: two texts in, one score out.

    python examples/functional_model.py

A sentence-pair model (are two reviews of the same opinion?) that kerastl has no task for: the
pretrained `BackboneEncoder` is shared by both inputs, the bottom 4 transformer layers are
frozen, and a `ClassificationHead` reads the pooled vectors. `TextPreprocessor` turns the strings
into the encoder's inputs inside a `tf.data` pipeline (as keras-hub's preprocessors do, on any
Keras backend). It trains with plain `model.fit` and saves to a `.keras` file like any Keras model;
`import kerastl.layers` registers the layers, so `keras.saving.load_model` reads it back.
"""

import keras
import numpy as np
import tensorflow as tf

from kerastl.backbones import load_backbone
from kerastl.layers import BackboneEncoder, ClassificationHead, TextPreprocessor, text_inputs

# --- configuration -------------------------------------------------------------------------
BACKBONE = "minilm-l6"
FROZEN_LAYERS = 4
MAX_LENGTH = 64
PAIRS = [  # (first text, second text, 1 if they agree)
    ("a wonderful film", "i loved every minute", 1),
    ("a wonderful film", "a dull, tiresome mess", 0),
    ("the plot made no sense", "a confusing, sloppy story", 1),
    ("the plot made no sense", "a clever, tight script", 0),
    ("great music and acting", "superb performances throughout", 1),
    ("great music and acting", "wooden acting and a weak score", 0),
]
# --------------------------------------------------------------------------------------------

backbone, tokenizer = load_backbone(BACKBONE)
encoder = BackboneEncoder(backbone, pooling="mean", freeze=FROZEN_LAYERS)

first, second = text_inputs("first_"), text_inputs("second_")
a = encoder(first)["pooled_output"]
b = encoder(second)["pooled_output"]
features = keras.layers.Concatenate()([a, b, keras.layers.Multiply()([a, b])])
logits = ClassificationHead(num_classes=2, hidden_dim=64)(features)
model = keras.Model({**first, **second}, logits)  # one flat dict of named inputs
model.compile(optimizer=keras.optimizers.AdamW(1e-4),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

first_texts = TextPreprocessor(tokenizer, max_length=MAX_LENGTH, prefix="first_")
second_texts = TextPreprocessor(tokenizer, max_length=MAX_LENGTH, prefix="second_")
dataset = tf.data.Dataset.from_tensor_slices(([p[0] for p in PAIRS], [p[1] for p in PAIRS], [p[2] for p in PAIRS]))
dataset = dataset.batch(len(PAIRS)).map(lambda x, y, label: ({**first_texts(x), **second_texts(y)}, label))

model.fit(dataset, epochs=5, verbose=2)
model.save("pair_model.keras")
reloaded = keras.saving.load_model("pair_model.keras")
inputs = next(iter(dataset))[0]
print("reloaded model agrees:",
      np.allclose(model.predict(inputs, verbose=0), reloaded.predict(inputs, verbose=0), atol=1e-4))
