"""Patent knowledge search: documents of six offices, a field-code query language."""
