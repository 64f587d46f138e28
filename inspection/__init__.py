"""Standards, metrology and inspection service (標準計量檢驗服務雲)."""
