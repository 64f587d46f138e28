"""The pure domain core of the inspection service (標準計量檢驗): no I/O, no framework.

Schemes and their workflows, the re-inspection rule, identifiers, certificate status, signed
status documents, metrology validity and the regulated-products lookup. The service layer loads
and stores; these modules decide.
"""
