"""Reading sentence pairs from one table, e.g. the Tatoeba/Anki `kor.txt` layout."""

from typing import List, Optional

from kerastl.data.table_reader import Column, read_columns


def read_pair_table(
    path,
    source_column: Column = 0,
    target_column: Column = 1,
    delimiter: Optional[str] = None,
    has_header: bool = False,
) -> List[dict]:
    """Read translation pairs from a table such as `source<TAB>target<TAB>attribution`.

    In the Tatoeba/Anki files (e.g. `kor.txt`) English is column 0 and the other language
    column 1, so to translate Korean to English pass `source_column=1, target_column=0`.
    Extra columns (the attribution) are ignored.

    Args:
        path: the table file (.txt/.tsv: tab-separated, .csv: comma; else sniffed).
        source_column: 0-based index (or header name) of the source sentence.
        target_column: 0-based index (or header name) of the target sentence.
        delimiter: the field separator, overriding the extension.
        has_header: whether the first row names the columns (False for Tatoeba files).

    Returns:
        A list of records `{"source": str, "target": str, "where": Location}`.

    Raises:
        DataError: missing or empty file, bytes that are not UTF-8, a row with too few
            fields (e.g. a wrong delimiter) or an empty sentence.

    Example:

    >>> pairs = read_pair_table("kor.txt", source_column=1, target_column=0)  # doctest: +SKIP
    >>> pairs[0]["source"], pairs[0]["target"]  # doctest: +SKIP
    ('가.', 'Go.')
    """
    return read_columns(
        path,
        {"source": source_column, "target": target_column},
        delimiter=delimiter,
        has_header=has_header,
    )
