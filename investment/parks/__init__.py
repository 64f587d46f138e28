"""Industrial parks (產業園區): public search, filters, nearest, the factories inside."""
