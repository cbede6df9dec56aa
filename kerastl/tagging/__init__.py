"""Tag schemes of token tagging (IOB1, IOB2, BIOES): entity spans, writing tags, conversion."""

from kerastl.tagging.bioes import bioes_tags
from kerastl.tagging.conversion import SCHEMES, convert_tags
from kerastl.tagging.iob1 import iob1_tags
from kerastl.tagging.iob2 import iob2_tags
from kerastl.tagging.spans import TagSpan, tags_to_spans

__all__ = ["SCHEMES", "TagSpan", "bioes_tags", "convert_tags", "iob1_tags", "iob2_tags", "tags_to_spans"]
