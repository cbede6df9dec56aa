"""`ReportItem`: one figure or table of a run's report."""


class ReportItem:
    """A titled image (a PNG file in the run folder) or table, shown by `kerastl report`.

    Tasks return these from `Task.report_figures`; `kerastl train` stores them in
    `metrics.json` so `kerastl report` can show them without loading the model.

    Args:
        title: the heading shown above the item.
        image: the PNG file's name, relative to the run folder.
        table: a dict `{"columns": [names], "rows": [[cells], ...]}`.
        caption: an optional sentence shown under the item.

    Raises:
        ValueError: when neither or both of `image` and `table` are given, or a table row has
            a different number of cells than there are columns.

    Example:

    >>> from kerastl.reporting import ReportItem
    >>> item = ReportItem("Per class", table={"columns": ["class", "f1"], "rows": [["pos", 0.9]]})
    >>> ReportItem.from_dict(item.to_dict()).title
    'Per class'
    """

    def __init__(self, title, *, image=None, table=None, caption=None):
        if (image is None) == (table is None):
            raise ValueError(f"A report item needs exactly one of `image` and `table`. Received: image={image!r}, "
                             f"table={'a table' if table is not None else None}")
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
        self.caption = caption

    def to_dict(self):
        """Return the item as a JSON-ready dict."""
        item = {"title": self.title}
        if self.image is not None:
            item["image"] = self.image
        if self.table is not None:
            item["table"] = self.table
        if self.caption:
            item["caption"] = self.caption
        return item

    @classmethod
    def from_dict(cls, item):
        """Rebuild an item from `to_dict()` output."""
        return cls(item["title"], image=item.get("image"), table=item.get("table"), caption=item.get("caption"))

    def __repr__(self):
        kind = f"image={self.image!r}" if self.image is not None else f"table of {len(self.table['rows'])} rows"
        return f"ReportItem({self.title!r}, {kind})"
