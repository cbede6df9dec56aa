"""Corpus BLEU and chrF of translations (sacrebleu, on detokenized text)."""


def translation_metrics(references, hypotheses):
    """Score detokenized translations against one reference each with sacrebleu.

    Both metrics use sacrebleu's defaults (BLEU with its 13a tokenizer, chrF with
    character 6-grams), so the numbers compare with published sacrebleu scores.

    Args:
        references: the reference translation of each example.
        hypotheses: the translation produced for each example.

    Returns:
        A dict with `bleu` and `chrf` (0-100), `examples` and `bleu_signature`.

    Raises:
        ValueError: when the lists differ in length or are empty.

    Example:

    >>> from kerastl.metrics import translation_metrics
    >>> translation_metrics(["Ein Mann fährt Rad."], ["Ein Mann fährt Rad."])["bleu"]
    100.0
    """
    import sacrebleu

    if len(references) != len(hypotheses):
        raise ValueError(
            f"Got {len(references)} references but {len(hypotheses)} translations; they must pair up."
        )
    if not references:
        raise ValueError("Cannot score an empty set of translations.")
    bleu = sacrebleu.metrics.BLEU()
    score = bleu.corpus_score(list(hypotheses), [list(references)])
    chrf = sacrebleu.metrics.CHRF().corpus_score(list(hypotheses), [list(references)])
    return {
        "bleu": round(float(score.score), 4),
        "chrf": round(float(chrf.score), 4),
        "examples": len(references),
        "bleu_signature": str(bleu.get_signature()),
    }


def sentence_chrf(reference, hypothesis):
    """Score one translation against its reference with sacrebleu's sentence-level chrF (0-100).

    Example:

    >>> from kerastl.metrics import sentence_chrf
    >>> sentence_chrf("Ein Mann fährt Rad.", "Ein Mann fährt Rad.")
    100.0
    """
    import sacrebleu

    return float(sacrebleu.sentence_chrf(hypothesis, [reference]).score)
