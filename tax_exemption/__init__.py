"""Industrial tax-exemption service (產業減免稅捐服務雲)."""
