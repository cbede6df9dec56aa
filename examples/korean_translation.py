"""Korean -> English with a Korean backbone: what a Korean source needs.

The default backbone (minilm-l6) has an English-only vocabulary: Korean text becomes [UNK]
pieces and the translation task can learn nothing from it. Pretrain a Korean backbone first
(`examples/korean.py`, or `kerastl pretrain --objective mlm --corpus korean.txt --output DIR`),
then give it as --backbone:

    python examples/korean.py --nsmc ../shared/data/nsmc/ratings_train.first5000.txt \
        --klue-ner ../shared/data/klue_ner/klue-ner-v1.1_train.first5000.tsv --output korean-run
    python examples/korean_translation.py --pairs ../shared/data/tatoeba_kor_eng/kor.txt \
        --backbone korean-run/backbone

Tatoeba's kor.txt holds English, Korean, attribution on each line, so the Korean source is
column 1 and the English target column 0. The first --held-out pairs (after a seeded shuffle)
are kept for scoring. The same from the command line:

    kerastl train translation --train kor.txt --source-column 1 --target-column 0 \
        --backbone korean-run/backbone --learning-rate 1e-3 --epochs 13 --batch-size 64 --output kor-eng
"""

import argparse
import json
import random

# --- configuration -------------------------------------------------------------------------
EPOCHS = 13
BATCH_SIZE = 64
LEARNING_RATE = 1e-3            # the small backbone and the new decoder both learn fast
MAX_LENGTH = 32                 # Tatoeba sentences are short
TARGET_VOCABULARY_SIZE = 4000
# --------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", required=True, help="Tatoeba kor.txt (English<TAB>Korean<TAB>attribution).")
    parser.add_argument("--backbone", required=True, help="A Korean-capable backbone (preset folder or name).")
    parser.add_argument("--held-out", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--output", default="kor-eng-model")
    args = parser.parse_args()

    from kerastl.tasks import TranslationTask

    task = TranslationTask(args.backbone, max_length=MAX_LENGTH, max_target_length=MAX_LENGTH,
                           learning_rate=LEARNING_RATE, target_vocabulary_size=TARGET_VOCABULARY_SIZE)
    pairs = task.read(args.pairs, source_column=1, target_column=0)
    random.Random(0).shuffle(pairs)
    held_out, train = pairs[: args.held_out], pairs[args.held_out:]
    task.fit(train, epochs=args.epochs, batch_size=BATCH_SIZE, verbose=2)
    metrics = task.evaluate(held_out)
    print(json.dumps({"train_pairs": len(train), "held_out_pairs": len(held_out),
                      "bleu": metrics["bleu"], "chrf": metrics["chrf"]}))
    for prediction, pair in zip(task.predict([pair["source"] for pair in held_out[:5]]), held_out):
        print(f"{pair['source']}\t{prediction.translation}\t(reference: {pair['target']})")
    task.save(args.output, overwrite=True)  # replaces only a model folder an earlier run wrote


if __name__ == "__main__":
    main()
