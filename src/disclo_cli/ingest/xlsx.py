"""The columnar read of an .xlsx workbook (fastexcel: calamine → Arrow). Not yet: None."""

from __future__ import annotations


def read_xlsx(p, data, config, kind, sheet):
    return None
