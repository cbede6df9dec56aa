"""Fine-tune a sentiment classifier and save it.

    python examples/sentiment.py --train ../shared/data/sst2/train.tsv --dev ../shared/data/sst2/dev.tsv

Any TSV/CSV with a text and a label column works (choose them with --text-column/--label-column),
as do JSONL files, a folder per class (aclImdb), or "tfds:imdb_reviews".
"""

import argparse

import kerastl

# --- configuration -------------------------------------------------------------------------
BACKBONE = "minilm-l6"      # or a keras-hub preset folder, a Hugging Face folder, "bert_base_en", ...
EPOCHS = 2
BATCH_SIZE = 32
LEARNING_RATE = 5e-5
MAX_LENGTH = 128
LIMIT = 4000                # training examples to use (0: all), to keep the run short on a CPU
# --------------------------------------------------------------------------------------------

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--train", required=True)
parser.add_argument("--dev", required=True)
parser.add_argument("--output", default="sentiment-model")
parser.add_argument("--text-column", default="sentence")
parser.add_argument("--label-column", default="label")
args = parser.parse_args()

task = kerastl.SentimentTask(BACKBONE, learning_rate=LEARNING_RATE, max_length=MAX_LENGTH)
columns = {"text_column": args.text_column, "label_column": args.label_column}
train = task.read(args.train, **columns)[: LIMIT or None]
dev = task.read(args.dev, **columns)

task.fit(train, validation=dev, epochs=EPOCHS, batch_size=BATCH_SIZE)
metrics = task.evaluate(dev)
print(f"dev accuracy {metrics['accuracy']:.3f}, macro-F1 {metrics['macro_f1']:.3f}")
for prediction in task.predict(["An unexpectedly moving film.", "Tedious from start to finish."]):
    print(prediction.describe())
task.save(args.output, overwrite=True)  # replaces only a model folder an earlier run wrote
print(f"saved to {args.output}; reload with kerastl.load({args.output!r})")
