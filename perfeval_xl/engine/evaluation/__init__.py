"""Evaluation frameworks (部门整体支出绩效评价): load.py reads and checks them, methods.py their six scoring methods,
scores.py scores an indicator and the tree, words.py says each standard in words."""
