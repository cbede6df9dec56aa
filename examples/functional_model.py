"""Build your own Keras functional model from kerastl layers: two texts in, one score out.

    python examples/functional_model.py

A sentence-pair model (are two reviews of the same opinion?) that kerastl has no task for: the
pretrained `BackboneEncoder` is shared by both inputs, the bottom 4 transformer layers are
frozen, and a `ClassificationHead` reads the pooled vectors. It trains with plain `model.fit`
and saves to a `.keras` file like any Keras model.
"""

import keras
import numpy as np

from kerastl.backbones import load_backbone
from kerastl.layers import BackboneEncoder, ClassificationHead, text_inputs
from kerastl.preprocessing import length_grouped_batches, tokenize_texts

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
model = keras.Model([first, second], logits)
model.compile(optimizer=keras.optimizers.AdamW(1e-4),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])


def padded(texts):
    """Token ids and padding mask for texts, padded to the longest one (kerastl's batching)."""
    ids = tokenize_texts(tokenizer, texts, MAX_LENGTH)
    pad = int(getattr(tokenizer, "pad_token_id", 0) or 0)
    batch = next(iter(length_grouped_batches({"token_ids": ids}, None, len(texts), pad)))
    return batch["token_ids"], batch["padding_mask"]


first_ids, first_mask = padded([p[0] for p in PAIRS])
second_ids, second_mask = padded([p[1] for p in PAIRS])
inputs = [{"first_token_ids": first_ids, "first_padding_mask": first_mask},
          {"second_token_ids": second_ids, "second_padding_mask": second_mask}]
labels = np.array([p[2] for p in PAIRS])
model.fit(inputs, labels, epochs=5, batch_size=len(PAIRS), verbose=2)
model.save("pair_model.keras")
reloaded = keras.saving.load_model("pair_model.keras")
print("reloaded model agrees:", np.allclose(model.predict(inputs, verbose=0), reloaded.predict(inputs, verbose=0), atol=1e-4))
