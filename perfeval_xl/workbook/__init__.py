"""Workbooks: the layout of every sheet, building and packaging them with openpyxl, and reading them back."""
