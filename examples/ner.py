"""Train a named-entity recognizer on CoNLL column files and tag new text.

    python examples/ner.py --train ../shared/data/conll2003/eng.train --dev ../shared/data/conll2003/eng.testa

CoNLL-2003 files are IOB1 (pass --scheme iob2 or bioes for other files). The model predicts
entities with their type, text, word span and character offsets; inputs longer than the
backbone's limit are tagged in overlapping windows, never truncated.
"""

import argparse

import kerastl

# --- configuration -------------------------------------------------------------------------
BACKBONE = "minilm-l6"
EPOCHS = 3
BATCH_SIZE = 32
LEARNING_RATE = 1e-4
LIMIT = 0                   # training sentences to use (0: all 14,041 of CoNLL-2003)
# --------------------------------------------------------------------------------------------

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--train", required=True)
parser.add_argument("--dev", required=True)
parser.add_argument("--scheme", default="iob1", choices=["iob1", "iob2", "bioes"])
parser.add_argument("--output", default="ner-model")
args = parser.parse_args()

task = kerastl.get_task("ner")(BACKBONE, scheme=args.scheme, learning_rate=LEARNING_RATE)
train = task.read(args.train)[: LIMIT or None]
dev = task.read(args.dev)
task.fit(train, validation=dev, epochs=EPOCHS, batch_size=BATCH_SIZE)

metrics = task.evaluate(dev)
print(f"entity F1 {metrics['f1']:.4f} (precision {metrics['precision']:.4f}, recall {metrics['recall']:.4f})")
for entity_type, scores in sorted(metrics.get("per_type", {}).items()):
    print(f"  {entity_type:5s} F1 {scores['f1']:.4f}")
for prediction in task.predict(["Angela Merkel met Emmanuel Macron in Paris."]):
    print(prediction.describe())
task.save(args.output, overwrite=True)  # replaces only a model folder an earlier run wrote
