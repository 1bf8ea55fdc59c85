"""Formal papers: registry of paper types → context → filled .docx → PDF, one at a time or in batches."""

from docgen.papers.check import check_template
from docgen.papers.demo import demo_papers
from docgen.papers.make import BatchResult, MadePaper, make_paper, make_papers
from docgen.papers.registry import PAPER_TYPES, PaperType, get_paper_type

__all__ = [
    "PAPER_TYPES",
    "BatchResult",
    "MadePaper",
    "PaperType",
    "check_template",
    "demo_papers",
    "get_paper_type",
    "make_paper",
    "make_papers",
]
