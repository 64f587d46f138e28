"""Built-in survey form documents (JSON), shipped as package data."""
