"""IP open data: the dataset catalog (DCAT JSON-LD), versioned files, downloads and API keys."""
