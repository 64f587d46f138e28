"""IP information service (智權資訊服務雲)."""
