"""Splitting a line-per-token file into sentence blocks (shared by the CoNLL-style readers)."""

from typing import Callable, Iterator, List, NamedTuple, Tuple

from kerastl.data.text_file import read_text_lines


class SentenceBlock(NamedTuple):
    """The lines of one sentence.

    Attributes:
        lines: `(line_number, line)` pairs of the token lines, in file order.
        comments: `(line_number, line)` pairs of the comment lines seen since the previous
            sentence (e.g. KLUE's `## id<TAB>sentence`).
    """

    lines: List[Tuple[int, str]]
    comments: List[Tuple[int, str]]


def read_sentence_blocks(
    path,
    is_boundary: Callable[[str], bool],
    is_comment: Callable[[str], bool] = lambda line: False,
) -> Iterator[SentenceBlock]:
    """Group the lines of a file into sentences separated by boundary lines.

    Args:
        path: the file to read (UTF-8; see `kerastl.data.text_file.read_text_lines`).
        is_boundary: true for a line that ends the current sentence (e.g. a blank line);
            the line itself is dropped.
        is_comment: true for a line to keep aside as a comment of the next sentence.

    Returns:
        An iterator of `SentenceBlock`s, never empty ones.

    Raises:
        DataError: the file is missing, a folder, or not UTF-8.

    Example:

    >>> blocks = read_sentence_blocks(  # doctest: +SKIP
    ...     "train.txt", is_boundary=lambda line: not line.strip())
    """
    lines, comments = [], []
    for number, line in read_text_lines(path):
        if is_boundary(line):
            if lines:
                yield SentenceBlock(lines, comments)
                lines, comments = [], []
        elif is_comment(line):
            comments.append((number, line))
        else:
            lines.append((number, line))
    if lines:
        yield SentenceBlock(lines, comments)
