"""Filtered exports of the trademark register: async jobs, capped, reused by query hash.

``POST /open-data/exports`` checks the filters (the search API's), counts the matching marks
(refused past ``open_data_export_max_rows``) and queues a job, unless the same canonical query
already has an export made since the last import: then that one is returned. The worker writes
the file (CSV or JSON Lines) with PostgreSQL ``COPY`` into open-data storage, reporting
progress; the finished file is served like a dataset version (ETag, Range, Content-Length).
"""
