"""Tiny random keras-hub presets of every text family, each with a real tokenizer of its kind."""

from dataclasses import dataclass
from pathlib import Path

from kerastl.testing import tiny_tokenizers


@dataclass(frozen=True)
class TinyFamily:
    """How to build one keras-hub text family small: its classes and its tokenizer's kind.

    Args:
        name: the family's name in kerastl (`"xlm_roberta"`), as `make_tiny_backbone` takes it.
        backbone_class, tokenizer_class: the keras-hub class names.
        tokenizer_kind: "wordpiece", "bpe" or "sentencepiece".
        architecture: "encoder", "decoder" (causal) or "seq2seq".
        backbone_options: the tiny sizes, in the class's own argument names.
        special_tokens: the tokens the tokenizer class requires, in id order.
        trailing_special_tokens: BPE tokens that come after the learned ones (GPT-2's
            `<|endoftext|>`, RoBERTa's `<mask>`), as in the real vocabularies.
        proto_options: SentencePiece special pieces and ids, as `sentence_piece_proto` takes them.
    """

    name: str
    backbone_class: str
    tokenizer_class: str
    tokenizer_kind: str
    architecture: str
    backbone_options: dict
    special_tokens: tuple = ()
    trailing_special_tokens: tuple = ()
    proto_options: tuple = ()

    def tokenizer(self, lowercase=True):
        import keras_hub

        tokenizer_class = getattr(keras_hub.models, self.tokenizer_class)
        if self.tokenizer_kind == "wordpiece":
            return tokenizer_class(vocabulary=tiny_tokenizers.word_piece_vocabulary(self.special_tokens),
                                   lowercase=lowercase)
        if self.tokenizer_kind == "bpe":
            vocabulary, merges = tiny_tokenizers.byte_pair_vocabulary(self.special_tokens)
            for token in self.trailing_special_tokens:
                vocabulary[token] = len(vocabulary)
            return tokenizer_class(vocabulary=vocabulary, merges=merges)
        return tokenizer_class(proto=tiny_tokenizers.sentence_piece_proto(**dict(self.proto_options)))

    def backbone(self, vocabulary_size, hidden_dim, num_layers, num_heads, intermediate_dim, max_sequence_length):
        import keras_hub

        options = dict(self.backbone_options)
        sizes = {"hidden_dim": hidden_dim, "num_layers": num_layers, "intermediate_dim": intermediate_dim}
        if "num_query_heads" in options:  # decoder LLMs: grouped-query attention
            sizes.update(num_query_heads=num_heads, head_dim=hidden_dim // num_heads)
        else:
            sizes["num_heads"] = num_heads
        if options.pop("has_max_sequence_length", True):
            sizes["max_sequence_length"] = max_sequence_length
        vocabulary_argument = options.pop("vocabulary_argument", "vocabulary_size")
        options.update(sizes)
        options[vocabulary_argument] = vocabulary_size
        return getattr(keras_hub.models, self.backbone_class)(**options)


_WORDPIECE_SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
_ROBERTA_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")

#: The keras-hub text families kerastl supports, each buildable tiny with `make_tiny_backbone`.
FAMILIES = {
    family.name: family
    for family in (
        TinyFamily("bert", "BertBackbone", "BertTokenizer", "wordpiece", "encoder", {},
                   special_tokens=_WORDPIECE_SPECIALS),
        TinyFamily("distil_bert", "DistilBertBackbone", "DistilBertTokenizer", "wordpiece", "encoder", {},
                   special_tokens=_WORDPIECE_SPECIALS),
        TinyFamily("electra", "ElectraBackbone", "ElectraTokenizer", "wordpiece", "encoder",
                   {"embedding_dim": 8, "vocabulary_argument": "vocab_size"}, special_tokens=_WORDPIECE_SPECIALS),
        TinyFamily("roberta", "RobertaBackbone", "RobertaTokenizer", "bpe", "encoder", {},
                   special_tokens=_ROBERTA_SPECIALS, trailing_special_tokens=("<mask>",)),
        TinyFamily("deberta_v3", "DebertaV3Backbone", "DebertaV3Tokenizer", "sentencepiece", "encoder",
                   {"bucket_size": 16},
                   proto_options=(("pad", "[PAD]"), ("pad_id", 0), ("start", "[CLS]"), ("start_id", 1),
                                  ("end", "[SEP]"), ("end_id", 2), ("unknown", "[UNK]"), ("unknown_id", 3),
                                  ("extra_tokens", ("[MASK]",)))),
        TinyFamily("xlm_roberta", "XLMRobertaBackbone", "XLMRobertaTokenizer", "sentencepiece", "encoder", {},
                   proto_options=()),  # XLM-R's proto: <unk> 0, <s> 1, </s> 2, no padding piece
        TinyFamily("albert", "AlbertBackbone", "AlbertTokenizer", "sentencepiece", "encoder",
                   {"embedding_dim": 8},
                   proto_options=(("pad_id", 0), ("unknown_id", 1), ("start", "[CLS]"), ("start_id", 2),
                                  ("end", "[SEP]"), ("end_id", 3), ("extra_tokens", ("[MASK]",)))),
        TinyFamily("gpt2", "GPT2Backbone", "GPT2Tokenizer", "bpe", "decoder", {},
                   trailing_special_tokens=("<|endoftext|>",)),
        TinyFamily("gemma", "GemmaBackbone", "GemmaTokenizer", "sentencepiece", "decoder",
                   {"num_query_heads": None, "num_key_value_heads": 1, "has_max_sequence_length": False},
                   proto_options=(("pad_id", 0), ("end", "<eos>"), ("end_id", 1), ("start", "<bos>"),
                                  ("start_id", 2), ("unknown_id", 3))),
        TinyFamily("bart", "BartBackbone", "BartTokenizer", "bpe", "seq2seq", {},
                   special_tokens=_ROBERTA_SPECIALS, trailing_special_tokens=("<mask>",)),
        TinyFamily("t5", "T5Backbone", "T5Tokenizer", "sentencepiece", "seq2seq",
                   {"key_value_dim": 8, "has_max_sequence_length": False},
                   proto_options=(("pad_id", 0), ("end", "</s>"), ("end_id", 1), ("unknown_id", 2),
                                  ("start_id", -1))),
    )
}

#: Families whose backbone reads a whole text into token states (every task takes them).
ENCODER_FAMILIES = tuple(name for name, family in FAMILIES.items() if family.architecture != "seq2seq")


def make_tiny_backbone(folder, family="bert", hidden_dim=16, num_layers=2, num_heads=2, intermediate_dim=32,
                       max_sequence_length=128, seed=0, lowercase=True):
    """Write a tiny random keras-hub backbone of `family` and its real tokenizer as a preset folder.

    The tokenizer is of the family's own kind, learned from a small built-in corpus with
    English, Korean and emoji (`kerastl.testing.tiny_tokenizers`): WordPiece for BERT,
    DistilBERT and ELECTRA; byte-level BPE with merges for RoBERTa, GPT-2 and BART;
    SentencePiece for DeBERTa-v3, XLM-RoBERTa, ALBERT, Gemma and T5.

    Args:
        folder: where the preset goes (created).
        family: a key of `FAMILIES`.
        hidden_dim, num_layers, num_heads, intermediate_dim, max_sequence_length: the size.
        seed: the initialization seed.
        lowercase: whether a WordPiece tokenizer lowercases.

    Returns:
        The folder's `Path`; pass it as `backbone=` to any task.

    Raises:
        ValueError: for a family kerastl cannot build.

    Example:

    >>> from kerastl.testing import make_tiny_backbone
    >>> folder = make_tiny_backbone(tmp_path / "tiny-xlmr", family="xlm_roberta")  # doctest: +SKIP
    """
    import keras

    if family not in FAMILIES:
        raise ValueError(f"`family` must be one of {sorted(FAMILIES)}. Received: family={family!r}")
    spec = FAMILIES[family]
    keras.utils.set_random_seed(seed)
    tokenizer = spec.tokenizer(lowercase=lowercase)
    backbone = spec.backbone(tokenizer.vocabulary_size(), hidden_dim, num_layers, num_heads, intermediate_dim,
                             max_sequence_length)
    folder = Path(folder)
    backbone.save_to_preset(str(folder))
    tokenizer.save_to_preset(str(folder))
    return folder
