"""Industrial park investment service (產業園區投資招商服務雲)."""
