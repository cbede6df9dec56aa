"""Reading a TensorFlow Datasets split into records (imdb_reviews, glue/sst2, conll2003, ...)."""

from typing import Dict, List, Optional

from kerastl.errors import DataError, Location

DEFAULT_FIELDS = {
    "imdb_reviews": {"text": "text", "label": "label"},
    "imdb_reviews/plain_text": {"text": "text", "label": "label"},
    "glue/sst2": {"text": "sentence", "label": "label"},
    "conll2003": {"words": "tokens", "tags": "ner"},
    "conll2003/conll2003": {"words": "tokens", "tags": "ner"},
    "ted_hrlr_translate/pt_to_en": {"source": "pt", "target": "en"},
}


def read_tfds(
    name: str,
    split: str = "train",
    fields: Optional[Dict[str, str]] = None,
    data_dir: Optional[str] = None,
    limit: Optional[int] = None,
) -> List[dict]:
    """Load a TFDS split and turn its examples into records.

    Text (bytes) becomes `str`; class-label ints become their names (e.g. imdb's 0/1 become
    "neg"/"pos", conll2003's NER ints become "B-PER", ...). A class label of -1 (an unlabeled
    example, as in glue/sst2's test split) leaves the key out of the record.

    Args:
        name: the TFDS dataset name, optionally with config and version
            (e.g. "imdb_reviews", "glue/sst2", "ted_hrlr_translate/pt_to_en").
        split: the split, in TFDS split syntax (e.g. "train", "test[:10%]").
        fields: maps each record key to a feature key of the dataset. Defaults are known
            for imdb_reviews, glue/sst2, conll2003 and ted_hrlr_translate/pt_to_en.
        data_dir: where TFDS keeps its data (default: TFDS's own, ~/tensorflow_datasets).
        limit: read at most this many examples.

    Returns:
        A list of records with the keys of `fields` plus "where":
        `Location("tfds:<name>[<split>]", <1-based example index>)`.

    Raises:
        DataError: unknown dataset or split, the dataset cannot be loaded, no known default
            `fields` for the dataset, or a field that is not a feature of the dataset.

    Example:

    >>> records = read_tfds("imdb_reviews", split="test", limit=2)  # doctest: +SKIP
    >>> records[0]["label"]  # doctest: +SKIP
    'neg'
    """
    import tensorflow_datasets as tfds

    source = f"tfds:{name}[{split}]"
    try:
        dataset, info = tfds.load(name, split=split, data_dir=data_dir, with_info=True)
    except tfds.core.registered.DatasetNotFoundError:
        raise DataError(
            f"TensorFlow Datasets has no dataset named {name!r}",
            where=Location(source),
            fix="check the name at https://www.tensorflow.org/datasets/catalog "
            "(e.g. imdb_reviews, glue/sst2, conll2003, ted_hrlr_translate/pt_to_en)",
        ) from None
    except (ValueError, OSError, AssertionError) as error:
        raise DataError(
            f"cannot load the dataset: {error}",
            where=Location(source),
            fix="check the split name and the network connection, or pass data_dir where "
            "the dataset was downloaded",
        ) from None

    fields = _choose_fields(name, fields, info.features, source)
    if limit is not None:
        dataset = dataset.take(limit)
    records = []
    for index, example in enumerate(tfds.as_numpy(dataset)):
        where = Location(source, index + 1)
        record = {}
        for key, feature_key in fields.items():
            value = _to_python(example[feature_key], info.features[feature_key], tfds, where)
            if value is not None:
                record[key] = value
        record["where"] = where
        records.append(record)
    return records


def _choose_fields(name, fields, features, source):
    available = list(features.keys())
    if fields is None:
        fields = DEFAULT_FIELDS.get(name.split(":")[0])
        if fields is None:
            raise DataError(
                f"no default fields for {name!r}; its features are: {', '.join(available)}",
                where=Location(source),
                fix='pass fields mapping record keys to features, e.g. '
                f'fields={{"text": "{available[0] if available else "text"}", "label": "label"}}',
            )
    unknown = [feature for feature in fields.values() if feature not in available]
    if unknown:
        raise DataError(
            f"{name!r} has no feature {', '.join(map(repr, unknown))}; "
            f"its features are: {', '.join(available)}",
            where=Location(source),
            fix="map the record keys in fields to existing features",
        )
    return dict(fields)


def _to_python(value, feature, tfds, where):
    """Convert a numpy value of `feature` to str / list of str / Python scalar."""
    if isinstance(feature, tfds.features.ClassLabel):
        index = int(value)
        return feature.int2str(index) if index >= 0 else None
    if isinstance(feature, tfds.features.Sequence) and isinstance(
        feature.feature, tfds.features.ClassLabel
    ):
        names = feature.feature.names
        return [names[int(index)] for index in value]
    if isinstance(value, bytes):
        return _decode(value, where)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return [_decode(item, where) if isinstance(item, bytes) else item for item in value]
    return value


def _decode(data, where):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("a text feature is not valid UTF-8", where=where,
                        fix="pass fields naming text features only") from None
