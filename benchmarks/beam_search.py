"""Seconds per batch of beam-4 decoding: kerastl's beam search against keras-hub's BeamSampler.

    python benchmarks/beam_search.py --source ../shared/data/multi30k/train.en \
        --target ../shared/data/multi30k/train.de --max-target-length 48

The translator is untrained (its target vocabulary learned from the first 3,000 pairs), so it
rarely ends a sentence and every batch decodes to the length cap: the figures are the cost per
step, without the early stop. Greedy decoding is the reference. Every sampler decodes the same
batch of 32 sources once per round (after one warm-up call each), rounds interleaving the
samplers; one JSON line with the medians.
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--max-target-length", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import keras_hub

    from kerastl.tasks import TranslationTask

    with open(args.source, encoding="utf-8") as s, open(args.target, encoding="utf-8") as t:
        pairs = [(a.strip(), b.strip()) for a, b, _ in zip(s, t, range(3000))]
    task = TranslationTask("minilm-l6", max_target_length=args.max_target_length)
    records = task.read(pairs)
    task.prepare(records)
    batch = records[:args.batch_size]
    result = {"batch_size": len(batch), "max_target_length": args.max_target_length}
    samplers = {"greedy": {"num_beams": 1}, "kerastl_beam4": {"num_beams": 4},
                "keras_hub_beam4": {"sampler": keras_hub.samplers.BeamSampler(4)}}
    for options in samplers.values():  # warm-up: trace each generator once
        task.predict_outputs(batch[:2], batch_size=len(batch), **options)
    seconds = {name: [] for name in samplers}
    for _ in range(args.repeats):  # interleaved: every sampler once per round
        for name, options in samplers.items():
            started = time.perf_counter()
            task.predict_outputs(batch, batch_size=len(batch), **options)
            seconds[name].append(time.perf_counter() - started)
    for name, times in seconds.items():
        result[f"{name}_seconds_per_batch"] = round(statistics.median(times), 2)
        result[f"{name}_min_max"] = [round(min(times), 2), round(max(times), 2)]
    result["speedup_over_keras_hub"] = round(result["keras_hub_beam4_seconds_per_batch"]
                                             / result["kerastl_beam4_seconds_per_batch"], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
