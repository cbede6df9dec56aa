"""HTML built so that text can never become markup: every value is escaped unless kerastl built it.

A report shows strings from a run folder (texts, labels, metric names, the folder's own name) that
anyone who can write the folder controls. Pages are therefore assembled only from `element` calls:
children and attribute values that are not `Html` (markup this module made) are escaped, so no
string from a run folder reaches the page as a tag, whatever field it sits in.
"""

import html


class Html(str):
    """A piece of markup built by `element` or `join` (or a fixed literal); inserted as it is."""


def text(value):
    """`value` (any object) as text: `str(value)` with `<`, `>`, `&` and quotes escaped; `None` is empty."""
    if isinstance(value, Html):
        return value
    return Html("" if value is None else html.escape(str(value), quote=True))


def join(children, separator=""):
    """The children, each escaped unless it is `Html`, joined by `separator` (a fixed literal)."""
    return Html(html.escape(separator).join(text(child) for child in children))


def element(tag, *children, **attributes):
    """One HTML element: `<tag attributes>children</tag>`.

    Args:
        tag: the element's name, a fixed literal such as "p" or "td".
        *children: its content: `Html` is inserted as it is, anything else as escaped text; `None` is skipped.
        **attributes: attribute values, always escaped (`class_` gives `class`); `None` is left out.

    Returns:
        `Html`.

    Example:

    >>> from kerastl.reporting.html_builder import element
    >>> element("p", "<b>bold?</b>", class_="caption")
    '<p class="caption">&lt;b&gt;bold?&lt;/b&gt;</p>'
    """
    start = void_element(tag, **attributes)
    return Html(f"{start}{join(child for child in children if child is not None)}</{tag}>")


def void_element(tag, **attributes):
    """An element without content or end tag (`img`, `meta`): `<tag attributes>`, values escaped as in `element`."""
    rendered = "".join(f' {name.rstrip("_")}="{text(value)}"' for name, value in attributes.items()
                       if value is not None)
    return Html(f"<{tag}{rendered}>")
