"""The study as one model: the corpus, codebook and sheets loaded together, its definitions, and the quoting gate."""

from comment_study.study.model import Coder, Study, load_study

__all__ = ["Coder", "Study", "load_study"]
