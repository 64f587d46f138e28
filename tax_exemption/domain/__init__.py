"""Pure domain core of tax_exemption: identifiers, units and declaration matching (no I/O)."""
