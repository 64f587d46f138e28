"""Trademark watches: a firm's marks of interest, matched against every import, with alerts."""
