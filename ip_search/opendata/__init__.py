"""IP open data: the dataset catalog (DCAT JSON-LD), versioned files, downloads, API keys with
their own rate-limit budgets, and filtered exports of the trademark register."""
