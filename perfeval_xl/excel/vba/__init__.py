"""The add-in's VBA project: MS-OVBA compression, a compound-file writer, adding a module, the generated ones."""
