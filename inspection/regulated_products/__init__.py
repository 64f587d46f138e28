"""Regulated products (應施檢驗商品): lookup by CCC code or name; officers keep the list."""
