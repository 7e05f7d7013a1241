"""Reading workbooks back: the reader core (cells.py: what a cell shows after a full recalculation), the defined
names, and one thin part per family of workbook on top of them."""
