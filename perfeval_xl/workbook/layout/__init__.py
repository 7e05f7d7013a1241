"""The layout of every sheet, declared once: base.py is the vocabulary, each other module one sheet (or the whole book).

The template writer and the reader both work from these declarations; no other part of the package knows a coordinate.
"""
