"""The status ledger shared by certificates and CNS marks: append-only events per record."""
