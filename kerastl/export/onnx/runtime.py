"""Serve a kerastl ONNX export: raw text in, the task's answer out, with `onnxruntime`, `numpy` and
`tokenizers` only (no TensorFlow, no Keras, no kerastl).

`kerastl export MODEL --format onnx --output DIR` copies this file into DIR as `kerastl_onnx.py`,
beside `model.onnx` (the network: packed token ids in, probabilities out), `tokenizer.json` (the
tokenizer, as Hugging Face `tokenizers` reads it) and `kerastl_onnx.json` (labels, special ids,
lengths and decoding options). It does what `kerastl predict` does around the network:

- classification: tokenize, pack each text (or pair of texts, truncated round-robin) with the
  start, separator and end ids, cut to `max_length`; the answer is the label of highest
  probability (at the calibrated temperature, which the network applies);
- multilabel: the same packing; every label whose probability reaches its threshold;
- NER: split the text into words and punctuation, tokenize each word on its own, cut texts
  longer than `max_length` into overlapping windows and merge them back (each token from the
  window where it lies farthest from an edge), give each word its first sub-token's tag
  probabilities (or their mean), choose the tags (the most probable valid IOB2 sequence, or each
  word's most probable tag) and read the entities off them, with character offsets.

Use:

    import sys; sys.path.insert(0, "DIR")
    import kerastl_onnx
    model = kerastl_onnx.load("DIR")
    model.predict(["Angela Merkel met Emmanuel Macron in Paris."])

or from a shell, one JSON answer per line: `python DIR/kerastl_onnx.py "a fine film" "a dull one"`
(a classifier of pairs takes `first<TAB>second`).
"""

import json
import re
import sys
from pathlib import Path

import numpy as np

#: The description of the export beside `model.onnx`.
DESCRIPTION_FILE = "kerastl_onnx.json"
#: The version of `DESCRIPTION_FILE`'s layout this runtime reads.
FORMAT_VERSION = 1
#: Words and punctuation, as kerastl splits a raw text for NER.
WORD_PATTERN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
#: How many packed sequences go through the network at a time.
BATCH_SIZE = 32


def load(folder, providers=None):
    """Load the export in `folder` (`model.onnx`, `tokenizer.json`, `kerastl_onnx.json`).

    Args:
        folder: the export's folder.
        providers: onnxruntime execution providers; default the CPU.

    Returns:
        An `OnnxTask`.
    """
    return OnnxTask(folder, providers=providers)


class OnnxTask:
    """A kerastl model served by onnxruntime: `predict(texts)` gives one JSON-ready dict per text."""

    def __init__(self, folder, providers=None):
        import onnxruntime
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.description = json.loads((folder / DESCRIPTION_FILE).read_text(encoding="utf-8"))
        if self.description.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{folder / DESCRIPTION_FILE} has format_version "
                             f"{self.description.get('format_version')}; this runtime reads {FORMAT_VERSION}. "
                             "Fix: serve it with the kerastl_onnx.py written beside it.")
        self.task = self.description["task"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.session = onnxruntime.InferenceSession(str(folder / "model.onnx"),
                                                    providers=providers or ["CPUExecutionProvider"])
        self.input_names = {spec.name for spec in self.session.get_inputs()}
        special = self.description["special_ids"]
        self.start, self.end, self.pad = special["start"], special["end"], special["pad"]
        self.separator = list(special["separator"])
        self.max_length = int(self.description["max_length"])

    # === Answers ===

    def predict(self, texts):
        """The answers to `texts` (strings; `(first, second)` pairs for a classifier of pairs), as
        `kerastl predict --json` gives them: a dict per text."""
        texts = list(texts)
        if self.task == "ner":
            return self._tag(texts)
        probabilities = self.probabilities(texts)
        labels = self.description["labels"]
        if self.task == "multilabel":
            thresholds = self.description["thresholds"]
            return [{"text": text, "labels": [name for name, p, t in zip(labels, row, thresholds) if p >= t],
                     "scores": {name: float(p) for name, p in zip(labels, row)}}
                    for text, row in zip(texts, probabilities)]
        answers = []
        for text, row in zip(texts, probabilities):
            answer = {"text": text[0] if self.description["text_pairs"] else text,
                      "label": labels[int(row.argmax())], "score": float(row.max()),
                      "probabilities": {name: float(p) for name, p in zip(labels, row)}}
            if self.description["text_pairs"]:
                answer["text_pair"] = text[1]
            answers.append(answer)
        return answers

    def probabilities(self, texts):
        """Each text's label probabilities (classification, multilabel): float32 `(texts, labels)`."""
        if self.description["text_pairs"]:
            packed = [self._pack_pair(self._ids(first), self._ids(second)) for first, second in texts]
        else:
            packed = [(self._pack(self._ids(text)), None) for text in texts]
        rows = [self._run([ids for ids, _ in packed[i:i + BATCH_SIZE]], [s for _, s in packed[i:i + BATCH_SIZE]])
                for i in range(0, len(packed), BATCH_SIZE)]
        return np.concatenate(rows) if rows else np.zeros((0, len(self.description["labels"])), np.float32)

    # === Packing ===

    def _ids(self, text):
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def _pack(self, ids):
        """`[start] ids [end]`, the ids cut to leave room for the special ones."""
        specials = [i for i in (self.start, self.end) if i is not None]
        body = list(ids[: max(self.max_length - len(specials), 0)])
        return ([self.start] if self.start is not None else []) + body + ([self.end] if self.end is not None else [])

    def _pack_pair(self, first, second):
        """`[start] first [separator] second [end]` and its segment ids, truncated round-robin."""
        specials = sum(i is not None for i in (self.start, self.end)) + len(self.separator)
        budget = max(self.max_length - specials, 0)
        first_kept = min(len(first), max((budget + 1) // 2, budget - len(second)))
        second_kept = min(len(second), budget - first_kept)
        head = ([self.start] if self.start is not None else []) + list(first[:first_kept]) + self.separator
        tail = list(second[:second_kept]) + ([self.end] if self.end is not None else [])
        return head + tail, [0] * len(head) + [1] * len(tail)

    def _run(self, sequences, segments=None):
        """The network's output for packed sequences, padded to the longest."""
        length = max((len(ids) for ids in sequences), default=0)
        token_ids = np.full((len(sequences), length), self.pad, np.int32)
        segment_ids = np.zeros((len(sequences), length), np.int32)
        for row, ids in enumerate(sequences):
            token_ids[row, : len(ids)] = ids
            if segments is not None and segments[row] is not None:
                segment_ids[row, : len(ids)] = segments[row]
        feeds = {"token_ids": token_ids, "padding_mask": np.arange(length)[None, :] < np.asarray(
            [len(ids) for ids in sequences])[:, None]}
        if "segment_ids" in self.input_names:
            feeds["segment_ids"] = segment_ids
        return self.session.run(None, feeds)[0]

    # === NER ===

    def _tag(self, texts):
        """The words, tags and entities of each text; the windows of all texts share the network's batches."""
        split = [list(WORD_PATTERN.finditer(text)) for text in texts]
        aligned = [self._align([match.group() for match in matches]) for matches in split]
        token_probabilities = self._token_probabilities([token_ids for token_ids, *_ in aligned])
        return [self._entities(text, matches, alignment, probabilities)
                for text, matches, alignment, probabilities in zip(texts, split, aligned, token_probabilities)]

    def _entities(self, text, matches, alignment, probabilities):
        ner = self.description["ner"]
        words = [match.group() for match in matches]
        _, word_ids, is_first, is_labeled = alignment
        pooled = is_first if ner["word_pooling"] == "first" else is_labeled
        word_probabilities = np.zeros((len(words), len(ner["tags"])), np.float32)
        np.add.at(word_probabilities, word_ids[pooled], probabilities[pooled])
        word_probabilities /= np.maximum(np.bincount(word_ids[pooled], minlength=len(words)), 1)[:, None]
        if ner["decoding"] == "valid":
            tags = best_valid_tags(word_probabilities, ner["tags"])
        else:
            tags = word_probabilities.argmax(axis=-1)
        tag_scores = word_probabilities[np.arange(len(words)), tags]
        entities, iob2 = [], ["O"] * len(words)
        for kind, start, end in entity_spans([ner["tags"][t] for t in tags]):
            first_char, last_char = matches[start].start(), matches[end - 1].end()
            entities.append({"type": kind, "text": text[first_char:last_char], "start_word": start,
                             "end_word": end, "start_char": first_char, "end_char": last_char,
                             "score": float(np.mean(tag_scores[start:end], dtype=np.float64))})
            iob2[start:end] = [f"B-{kind}"] + [f"I-{kind}"] * (end - start - 1)
        # The tags as the entities read them (an I- tag that opens an entity is its B-), as predict gives them.
        return {"text": text, "words": words, "tags": iob2, "entities": entities}

    def _align(self, words):
        """Each word tokenized alone (BPE words after the first with their leading space; an empty one
        as the unknown id): the flat `token_ids`, each token's word, and which tokens carry the word's
        label (`is_first`: its first piece, or the one after a bare word-start marker; `is_labeled`:
        all but a bare marker)."""
        ner = self.description["ner"]
        pieces = [self._ids((" " + word) if ner["space_before_words"] and index else word) or [ner["unknown_id"]]
                  for index, word in enumerate(words)]
        token_ids, word_ids, is_first, is_labeled = [], [], [], []
        for index, word_pieces in enumerate(pieces):
            bare_marker = len(word_pieces) > 1 and word_pieces[0] == ner["marker_id"]
            for position, piece in enumerate(word_pieces):
                token_ids.append(piece)
                word_ids.append(index)
                is_first.append(position == int(bare_marker))
                is_labeled.append(not (bare_marker and position == 0))
        return (np.asarray(token_ids, np.int64), np.asarray(word_ids, np.int64), np.asarray(is_first, bool),
                np.asarray(is_labeled, bool))

    def _token_probabilities(self, texts_token_ids):
        """The tag probabilities of every token of each text, from overlapping windows of at most
        `window_size` tokens (all texts' windows batched together), merged back per text."""
        ner = self.description["ner"]
        windows = [(text, start, end) for text, token_ids in enumerate(texts_token_ids)
                   for start, end in window_spans(len(token_ids), ner["window_size"], ner["window_stride"])]
        first = int(self.start is not None)
        outputs = []
        for i in range(0, len(windows), BATCH_SIZE):
            batch = windows[i:i + BATCH_SIZE]
            probabilities = self._run([self._pack(texts_token_ids[text][start:end].tolist())
                                       for text, start, end in batch])
            outputs += [probabilities[row, first:first + end - start] for row, (_, start, end) in enumerate(batch)]
        merged = [np.zeros((len(token_ids), len(ner["tags"])), np.float32) for token_ids in texts_token_ids]
        best = [np.full(len(token_ids), -1) for token_ids in texts_token_ids]
        for (text, start, end), window in zip(windows, outputs):
            offsets = np.arange(end - start)
            margin = np.minimum(offsets, end - start - 1 - offsets)
            better = margin > best[text][start:end]  # an equal margin keeps the earlier window
            merged[text][start:end][better] = window[better]
            best[text][start:end] = np.where(better, margin, best[text][start:end])
        return merged


def window_spans(length, size, stride):
    """`(start, end)` of windows of at most `size` positions, `stride` apart, the last ending at `length`."""
    if length <= size:
        return [(0, length)]
    count = (length - size + stride - 1) // stride + 1
    starts = [index * stride for index in range(count - 1)] + [length - size]
    return [(start, min(start + size, length)) for start in starts]


def best_valid_tags(probabilities, names):
    """The most probable IOB2 tag sequence where I-X only follows B-X or I-X (a Viterbi search over
    log-probabilities; between equal paths the lower tag ids win)."""
    count = len(names)
    can_start = np.array([not name.startswith("I-") for name in names])
    allowed = np.array([[can_start[to] or (names[before] != "O" and names[before][2:] == names[to][2:])
                         for to in range(count)] for before in range(count)])
    scores = np.log(np.maximum(probabilities.astype(np.float32), np.float32(1e-12)))
    if not len(scores):
        return np.zeros(0, np.int64)
    best = np.where(can_start, scores[0], -np.inf).astype(np.float32)
    back = []
    for row in scores[1:]:
        candidates = np.where(allowed, best[:, None], -np.inf)
        back.append(candidates.argmax(axis=0))  # the first (lowest) of equal maxima
        best = (candidates.max(axis=0) + row).astype(np.float32)
    tags = [int(best.argmax())]
    for pointers in reversed(back):
        tags.append(int(pointers[tags[-1]]))
    return np.asarray(tags[::-1], np.int64)


def entity_spans(tags):
    """`(type, start, end)` of each entity IOB2 `tags` mark, read leniently (an I- tag that does not
    continue an entity of its type starts one), as conlleval reads them."""
    spans = []
    for index, tag in enumerate(tags):
        kind = tag[2:] if tag != "O" else None
        if kind is None:
            continue
        if tag.startswith("B-") or not spans or spans[-1][0] != kind or spans[-1][2] != index:
            spans.append([kind, index, index + 1])
        else:
            spans[-1][2] = index + 1
    return [tuple(span) for span in spans]


def main(arguments):
    """`python kerastl_onnx.py TEXT...`: print the answer to each text as a JSON line."""
    model = load(Path(__file__).resolve().parent)
    texts = [tuple(text.split("\t", 1)) if model.description.get("text_pairs") else text for text in arguments]
    for answer in model.predict(texts):
        print(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
