"""`kerastl train sentiment`'s job done with the Transformers `Trainer`, as its users would write it.

Reads a TSV with `sentence` and `label` columns, tokenizes, fine-tunes with length-grouped
batches (`train_sampling_strategy="group_by_length"`, formerly `group_by_length=True`: the
Trainer's best CPU setting), scores the dev set after every epoch, and saves the model and tokenizer. Runs in the peer's environment (`../shared/bench/setup_peer.sh`,
plus `accelerate`, which `end_to_end.py` installs):

    PEER_PYTHON benchmarks/hf_trainer_sentiment.py --train train.tsv --dev dev.tsv --backbone HF_DIR \
        --output DIR --epochs 1

Prints one JSON line with the dev accuracy; `end_to_end.py` times the whole command.
"""
import argparse
import json

import numpy as np
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                          TrainingArguments)


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        sentence, label = header.index("sentence"), header.index("label")
        rows = [line.rstrip("\n").split("\t") for line in f]
    return [(row[sentence].strip(), int(row[label])) for row in rows]


def tokenized(rows, tokenizer, max_length):
    encoded = tokenizer([text for text, _ in rows], truncation=True, max_length=max_length)
    return [{"input_ids": ids, "attention_mask": mask, "labels": label}
            for ids, mask, (_, label) in zip(encoded["input_ids"], encoded["attention_mask"], rows)]


def accuracy(prediction):
    return {"accuracy": float(np.mean(np.argmax(prediction.predictions, -1) == prediction.label_ids))}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", required=True)
    p.add_argument("--dev", required=True)
    p.add_argument("--backbone", required=True, help="a Hugging Face model folder")
    p.add_argument("--output", required=True)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--eval-batch-size", type=int, default=64)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    tokenizer = AutoTokenizer.from_pretrained(args.backbone)
    model = AutoModelForSequenceClassification.from_pretrained(args.backbone, num_labels=2)
    training = TrainingArguments(
        output_dir=args.output, num_train_epochs=args.epochs, learning_rate=args.lr, warmup_steps=0.1,
        per_device_train_batch_size=args.batch_size, per_device_eval_batch_size=args.eval_batch_size,
        train_sampling_strategy="group_by_length", eval_strategy="epoch", save_strategy="no",
        logging_strategy="no", report_to=[], seed=args.seed, use_cpu=True,
    )
    trainer = Trainer(model=model, args=training, data_collator=DataCollatorWithPadding(tokenizer),
                      train_dataset=tokenized(read_tsv(args.train), tokenizer, args.max_length),
                      eval_dataset=tokenized(read_tsv(args.dev), tokenizer, args.max_length),
                      compute_metrics=accuracy)
    trainer.train()
    trainer.save_model(args.output)
    tokenizer.save_pretrained(args.output)
    last_epoch = [entry for entry in trainer.state.log_history if "eval_accuracy" in entry][-1]
    print(json.dumps({"system": "hf-trainer-grouped", "accuracy": round(last_epoch["eval_accuracy"], 4)}))


if __name__ == "__main__":
    main()
