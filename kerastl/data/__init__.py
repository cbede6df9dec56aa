"""Readers turning data files (and TFDS datasets) into lists of records.

Every record is a dict of fields plus "where", a `kerastl.errors.Location` of its source.
"""

from kerastl.data.char_tag_reader import read_char_per_line
from kerastl.data.class_folder_reader import read_class_folders
from kerastl.data.conll_reader import read_conll
from kerastl.data.jsonl_reader import read_jsonl
from kerastl.data.multi_label_reader import read_multi_label_jsonl, read_multi_label_table
from kerastl.data.pair_table_reader import read_pair_table
from kerastl.data.parallel_reader import read_parallel
from kerastl.data.table_reader import iter_columns, read_columns, read_table
from kerastl.data.tfds_reader import read_tfds

__all__ = [
    "iter_columns",
    "read_char_per_line",
    "read_class_folders",
    "read_columns",
    "read_conll",
    "read_jsonl",
    "read_multi_label_jsonl",
    "read_multi_label_table",
    "read_pair_table",
    "read_parallel",
    "read_table",
    "read_tfds",
]
