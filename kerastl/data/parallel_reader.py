"""Reading translation pairs from two aligned one-sentence-per-line files (e.g. Multi30k)."""

from typing import List

from kerastl.data.text_file import read_text_lines
from kerastl.errors import DataError, Location


def read_parallel(source_path, target_path) -> List[dict]:
    """Read line-aligned source and target files into sentence pairs.

    Line N of the source file translates to line N of the target file. Lines blank in
    both files are skipped, and so are blank lines at the end of either file.

    Args:
        source_path: file with one source sentence per line (e.g. `train.de`).
        target_path: file with one target sentence per line (e.g. `train.en`).

    Returns:
        A list of records `{"source": str, "target": str, "where": Location}` where "where"
        is the line in the source file (the same line number as in the target file).

    Raises:
        DataError: either file missing, a folder or not UTF-8; the files have different
            numbers of lines; or a line is blank in one file only. Errors name both files.

    Example:

    >>> pairs = read_parallel("train.de", "train.en")  # doctest: +SKIP
    >>> pairs[0]["source"], pairs[0]["target"]  # doctest: +SKIP
    ('Zwei junge Männer ...', 'Two young guys ...')
    """
    source_path, target_path = str(source_path), str(target_path)
    sources = _lines_without_trailing_blanks(source_path)
    targets = _lines_without_trailing_blanks(target_path)
    _check_same_length(source_path, sources, target_path, targets)

    records = []
    for number, (source, target) in enumerate(zip(sources, targets), start=1):
        if not source.strip() and not target.strip():
            continue
        if not source.strip() or not target.strip():
            blank, other = (
                (source_path, target_path) if not source.strip() else (target_path, source_path)
            )
            raise DataError(
                f"line {number} is blank in {blank} but not in {other}",
                where=Location(blank, number),
                fix="the files must stay line-aligned: fill in the sentence or delete the "
                "line from both files",
            )
        records.append({"source": source.strip(), "target": target.strip(),
                        "where": Location(source_path, number)})
    if not records:
        raise DataError(
            f"{source_path} and {target_path} hold no sentences",
            where=Location(source_path),
            fix="give two files with one sentence per line",
        )
    return records


def _lines_without_trailing_blanks(path):
    lines = [line for _, line in read_text_lines(path)]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _check_same_length(source_path, sources, target_path, targets):
    if len(sources) == len(targets):
        return
    longer, shorter = (
        (source_path, target_path) if len(sources) > len(targets) else (target_path, source_path)
    )
    first_extra = min(len(sources), len(targets)) + 1
    raise DataError(
        f"{source_path} has {len(sources)} lines but {target_path} has {len(targets)}; "
        f"line {first_extra} of {longer} has no partner in {shorter}",
        where=Location(longer, first_extra),
        fix="the files must be line-aligned: give the matching source and target files, "
        "or add/remove the missing lines",
    )
