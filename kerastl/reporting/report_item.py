"""`ReportItem`: one figure, table or set of highlighted sentences of a run's report."""

#: The sides of a sentence of a `spans` item, shown one under the other.
SPAN_SIDES = ("gold", "predicted")


class ReportItem:
    """A titled image (a PNG file in the run folder), table or set of sentences, shown by `kerastl report`.

    Tasks return these from `Task.report_figures`; `kerastl train` stores them in
    `metrics.json` so `kerastl report` can show them without loading the model.

    Args:
        title: the heading shown above the item.
        image: the PNG file's name, relative to the run folder.
        table: a dict `{"columns": [names], "rows": [[cells], ...]}`.
        spans: sentences with entities marked, a list of dicts `{"text": str, "gold": [[start,
            end, type], ...], "predicted": [...]}` (character offsets into `text`, `end`
            exclusive; the spans of one side do not overlap). Data only: the page escapes it.
        caption: an optional sentence shown under the item.

    Raises:
        ValueError: when not exactly one of `image`, `table` and `spans` is given, a table row
            has a different number of cells than there are columns, or a sentence or span of
            `spans` is malformed (the message names which).

    Example:

    >>> from kerastl.reporting import ReportItem
    >>> item = ReportItem("Per class", table={"columns": ["class", "f1"], "rows": [["pos", 0.9]]})
    >>> ReportItem.from_dict(item.to_dict()).title
    'Per class'
    >>> sentence = {"text": "Ann met Bob", "gold": [[8, 11, "PER"], [0, 3, "PER"]], "predicted": [[0, 3, "LOC"]]}
    >>> ReportItem("Sentences", spans=[sentence]).spans[0]["gold"]
    [[0, 3, 'PER'], [8, 11, 'PER']]
    """

    def __init__(self, title, *, image=None, table=None, spans=None, caption=None):
        given = [name for name, value in (("image", image), ("table", table), ("spans", spans)) if value is not None]
        if len(given) != 1:
            raise ValueError(f"A report item needs exactly one of `image`, `table` and `spans`. "
                             f"Received: {', '.join(given) or 'none of them'}")
        if table is not None:
            columns = list(table.get("columns", []))
            for row in table.get("rows", []):
                if len(row) != len(columns):
                    raise ValueError(f"Table row {row!r} has {len(row)} cells but there are {len(columns)} "
                                     f"columns {columns!r}.")
            table = {"columns": columns, "rows": [list(row) for row in table.get("rows", [])]}
        self.title = str(title)
        self.image = str(image) if image is not None else None
        self.table = table
        self.spans = _checked_sentences(spans) if spans is not None else None
        self.caption = caption

    def to_dict(self):
        """Return the item as a JSON-ready dict."""
        item = {"title": self.title}
        if self.image is not None:
            item["image"] = self.image
        if self.table is not None:
            item["table"] = self.table
        if self.spans is not None:
            item["spans"] = self.spans
        if self.caption:
            item["caption"] = self.caption
        return item

    @classmethod
    def from_dict(cls, item):
        """Rebuild an item from `to_dict()` output."""
        return cls(item["title"], image=item.get("image"), table=item.get("table"), spans=item.get("spans"),
                   caption=item.get("caption"))

    def __repr__(self):
        if self.image is not None:
            kind = f"image={self.image!r}"
        elif self.table is not None:
            kind = f"table of {len(self.table['rows'])} rows"
        else:
            kind = f"{len(self.spans)} sentences"
        return f"ReportItem({self.title!r}, {kind})"


def _checked_sentences(sentences):
    """`sentences` as plain lists and dicts, each span checked against its text; ValueError naming the fault."""
    if not isinstance(sentences, list):
        raise ValueError(f"`spans` must be a list of sentences. Received: a {type(sentences).__name__}")
    checked = []
    for number, sentence in enumerate(sentences):
        if not isinstance(sentence, dict) or not isinstance(sentence.get("text"), str):
            raise ValueError(f"Sentence {number} of `spans` must be a dict with a string 'text'. "
                             f"Received: {sentence!r}")
        checked.append({"text": sentence["text"],
                        **{side: _checked_spans(sentence.get(side, []), sentence["text"], f"Sentence {number} {side}")
                           for side in SPAN_SIDES}})
    return checked


def _checked_spans(spans, text, name):
    if not isinstance(spans, list):
        raise ValueError(f"{name} must be a list of [start, end, type] spans. Received: {spans!r}")
    checked = []
    for span in spans:
        valid = (isinstance(span, (list, tuple)) and len(span) == 3 and isinstance(span[2], str)
                 and all(isinstance(offset, int) and not isinstance(offset, bool) for offset in span[:2])
                 and 0 <= span[0] < span[1] <= len(text))
        if not valid:
            raise ValueError(f"{name} has the span {span!r}; a span is [start, end, type] with integer character "
                             f"offsets 0 <= start < end <= {len(text)} (the text's length) and a string type")
        checked.append([span[0], span[1], span[2]])
    checked.sort()
    for before, after in zip(checked, checked[1:]):
        if after[0] < before[1]:
            raise ValueError(f"{name} has the overlapping spans {before!r} and {after!r}")
    return checked
