"""perfeval review: a finance bureau checks a folder of submissions, with a summary workbook and 审核意见 letters."""
