"""The book's machinery: Sphinx extensions, claims, figures and their style, appendices' tables, the benchmark."""
