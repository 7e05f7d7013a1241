"""Excel: the ribbon button, the add-in and its VBA project."""
