"""A keras-hub tokenizer as a Hugging Face `tokenizers.Tokenizer` (`tokenizer.json`) that splits text
into the same ids, so an ONNX export can tokenize without TensorFlow.

| keras-hub kind | `tokenizers` pipeline |
| --- | --- |
| WordPiece (BERT, DistilBERT, ELECTRA) | CJK spacing, accents and case as the tokenizer has them, BERT pre-tokenizer (whitespace, punctuation), `WordPiece` |
| byte-level BPE (GPT-2, RoBERTa, BART) | keras-hub's own split pattern, `ByteLevel`, `BPE` with the merges |
| SentencePiece unigram (ALBERT, DeBERTa-v3, XLM-R, T5, Gemma) | the proto's precompiled normalization, whitespace handling and `▁` prefix, `Unigram` with the proto's scores |

The ids are keras-hub's (XLM-R's are shifted from its proto's, for example): the vocabulary is read
through the keras-hub tokenizer, so the `tokenizers` ids equal what `tokenizer(text)` gives. No special
tokens are added: the ONNX runtime packs the start, separator and end ids itself, as kerastl does.
"""

from kerastl.errors import KerastlError
from kerastl.preprocessing.tokenizer_kind import BYTE_PAIR, SENTENCEPIECE, WORDPIECE, tokenizer_kind
from kerastl.preprocessing.word_alignment import unknown_token_id


def hugging_face_tokenizer(tokenizer):
    """The `tokenizers.Tokenizer` that splits text into `tokenizer`'s ids (see the module's table).

    Args:
        tokenizer: a keras-hub WordPiece, byte-level BPE or SentencePiece (unigram) tokenizer.

    Returns:
        A `tokenizers.Tokenizer`; `.save(path)` writes the `tokenizer.json` an export ships.

    Raises:
        KerastlError: a tokenizer of another kind, or a SentencePiece model that is not unigram.
    """
    kind = tokenizer_kind(tokenizer)
    if kind == WORDPIECE:
        return _word_piece(tokenizer)
    if kind == BYTE_PAIR:
        return _byte_pair(tokenizer)
    if kind == SENTENCEPIECE:
        return _sentence_piece(tokenizer)
    raise KerastlError(f"the {type(tokenizer).__name__} tokenizer is not WordPiece, byte-level BPE or SentencePiece, "
                       "so there is no tokenizer.json for it. Fix: export a SavedModel (--format savedmodel).")


def _vocabulary(tokenizer):
    return [str(token) for token in tokenizer.get_vocabulary()]


def _word_piece(tokenizer):
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

    vocabulary = {token: index for index, token in enumerate(_vocabulary(tokenizer))}
    model = models.WordPiece(vocab=vocabulary, unk_token=tokenizer.oov_token,
                             continuing_subword_prefix=tokenizer.suffix_indicator, max_input_chars_per_word=100)
    converted = Tokenizer(model)
    # keras-hub's order: CJK characters spaced out, accents dropped (NFD, no Mn), control and format
    # characters split on like spaces, then each word case-folded (with NFKC).
    steps = [normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=bool(tokenizer.split_on_cjk),
                                        strip_accents=False, lowercase=False)]
    if tokenizer.strip_accents:
        steps += [normalizers.NFD(), normalizers.StripAccents()]
    steps.append(normalizers.Replace(Regex(r"[\p{Cc}\p{Cf}]"), " "))
    if tokenizer.lowercase:
        steps += [normalizers.NFKC(), normalizers.Lowercase()]
    converted.normalizer = normalizers.Sequence(steps)
    converted.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return converted


def _byte_pair(tokenizer):
    from keras_hub.src.tokenizers.byte_pair_tokenizer import SPLIT_PATTERN_TOKENIZERS
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    vocabulary = {str(token): int(index) for token, index in tokenizer.vocabulary.items()}
    merges = [tuple(str(merge).split(" ")) for merge in tokenizer.merges if not str(merge).startswith("#version:")]
    converted = Tokenizer(models.BPE(vocab=vocabulary, merges=merges))
    converted.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(SPLIT_PATTERN_TOKENIZERS), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=bool(getattr(tokenizer, "add_prefix_space", False)),
                                 use_regex=False),
    ])
    converted.decoder = decoders.ByteLevel()
    return converted


def _sentence_piece(tokenizer):
    from sentencepiece import sentencepiece_model_pb2
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(tokenizer.proto)
    if proto.trainer_spec.model_type != sentencepiece_model_pb2.TrainerSpec.UNIGRAM:
        raise KerastlError("the SentencePiece model is not a unigram model (it is "
                           f"{sentencepiece_model_pb2.TrainerSpec.ModelType.Name(proto.trainer_spec.model_type)}), "
                           "which the ONNX export's tokenizer.json does not express yet. "
                           "Fix: export a SavedModel (--format savedmodel).")
    scores = {piece.piece: piece.score for piece in proto.pieces}
    vocabulary = [(token, float(scores.get(token, 0.0))) for token in _vocabulary(tokenizer)]
    converted = Tokenizer(models.Unigram(vocabulary, unk_id=unknown_token_id(tokenizer), byte_fallback=False))
    spec = proto.normalizer_spec
    steps = [normalizers.Precompiled(spec.precompiled_charsmap)] if spec.precompiled_charsmap else []
    if spec.remove_extra_whitespaces:
        steps += [normalizers.Strip(left=True, right=True), normalizers.Replace(Regex(" {2,}"), " ")]
    if steps:
        converted.normalizer = normalizers.Sequence(steps)
    prefix = "always" if spec.add_dummy_prefix else "never"
    converted.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme=prefix, split=False)
    converted.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme=prefix, split=False)
    return converted
