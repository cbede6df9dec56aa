"""HTML of a `ReportItem`'s sentences: entity spans as colored marks with their type, gold above predicted.

Every string from the run folder (texts and types) is escaped (`html_builder`); types pick a color from a fixed
palette by their rank, never a class name or style of their own.
"""

from kerastl.reporting.html_builder import element, join
from kerastl.reporting.report_item import SPAN_SIDES

#: Background colors of entity types, in the order of the types sorted (displaCy's first ones).
PALETTE = ("#aa9cfc", "#ff9561", "#7aecec", "#feca74", "#bfeeb7", "#c887fb", "#9cc9cc", "#ffeb80",
           "#e4e7d2", "#bfe1d9", "#f0b6c0", "#d9d9d9")

STYLE = """
.legend { margin: 0.4em 0 0.8em; font-size: 0.9em; color: #444; }
.sentence { border: 1px solid #e2e2e2; border-radius: 4px; padding: 0.4em 0.7em; margin: 0.5em 0; }
.sentence .line { display: flex; line-height: 2.3; }
.sentence .side { flex: 0 0 8em; line-height: 2.875; color: #777; font-size: 0.8em; text-transform: uppercase; }
.sentence .words { flex: 1; }
.sentence .verdict { float: right; font-size: 0.8em; color: #777; }
.sentence .verdict.wrong { color: #b71c1c; }
mark.entity { padding: 0.15em 0.35em; margin: 0 0.1em; border-radius: 0.3em; line-height: 1; color: #111; }
mark.entity .type { font-size: 0.65em; font-weight: 700; margin-left: 0.4em; vertical-align: middle;
                    text-transform: uppercase; }
mark.entity.mistake { outline: 2px dashed #b71c1c; outline-offset: 1px; }
"""


def sentences_html(sentences):
    """The HTML of checked `ReportItem.spans` sentences, with a legend of the types' colors.

    Args:
        sentences: `ReportItem(...).spans`: dicts of "text", "gold" and "predicted" spans.

    Returns:
        An HTML fragment; a span on one side without an identical one on the other is outlined.

    Example:

    >>> from kerastl.reporting.entity_marks import sentences_html
    >>> "<mark" in sentences_html([{"text": "Ann", "gold": [[0, 3, "PER"]], "predicted": []}])
    True
    """
    types = sorted({span[2] for sentence in sentences for side in SPAN_SIDES for span in sentence[side]})
    colors = {kind: PALETTE[rank % len(PALETTE)] for rank, kind in enumerate(types)}
    legend = join((element("mark", kind, class_="entity", style=f"background: {colors[kind]}") for kind in types),
                  " ")
    parts = [element("div", "Entity types: ", legend or "(none)", " — a dashed outline marks an entity the other "
                     "line does not have (same span and type).", class_="legend")]
    for sentence in sentences:
        sides = {side: {tuple(span) for span in sentence[side]} for side in SPAN_SIDES}
        mistakes = len(sides["gold"] ^ sides["predicted"])
        verdict = (element("span", f'{mistakes} mistake{"s" if mistakes != 1 else ""}', class_="verdict wrong")
                   if mistakes else element("span", "all right", class_="verdict"))
        lines = [_line(side, sentence["text"], sentence[side], colors, other=sides[_other(side)])
                 for side in SPAN_SIDES]
        parts.append(element("div", verdict, *lines, class_="sentence"))
    return join(parts, "\n")


def _other(side):
    return SPAN_SIDES[1 - SPAN_SIDES.index(side)]


def _line(side, text, spans, colors, other):
    pieces, position = [], 0
    for start, end, kind in spans:  # sorted and not overlapping (ReportItem checks)
        pieces.append(text[position:start])
        pieces.append(_mark(text[start:end], kind, colors, mistake=(start, end, kind) not in other))
        position = end
    pieces.append(text[position:])
    return element("div", element("span", side, class_="side"), element("span", *pieces, class_="words"),
                   class_="line")


def _mark(words, kind, colors, mistake):
    return element("mark", words, element("span", kind, class_="type"),
                   class_="entity mistake" if mistake else "entity", style=f"background: {colors[kind]}")
