"""The OpenSearch search backend: index layout, query bodies, documents, indexer and backend.

``mapping``, ``queries`` and ``documents`` are pure data and functions; ``client``, ``backend``
and ``indexer`` talk to the cluster through opensearch-py, the optional ``opensearch`` extra, so
only they import it (and the app, worker and CLI import them only when OpenSearch is used).
"""
