"""Reproducible qualitative study of reader comments."""
