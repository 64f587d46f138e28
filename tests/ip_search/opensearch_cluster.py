"""Answers of a stand-in OpenSearch cluster holding given mark documents: key postings with their
sort values, capped sources, documents by id, as a real cluster answers the backend's searches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ip_search.search.opensearch.documents import CANDIDATE_FIELDS
from tests.ip_search.opensearch_stub import Answer, Recorded

Documents = dict[str, dict[str, Any]]


def hit(document: dict[str, Any], sort: list[Any] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "_id": document["application_no"],
        "_source": {field: document[field] for field in CANDIDATE_FIELDS},
    }
    if sort is not None:
        found["sort"] = sort
    return found


def result(hits: list[dict[str, Any]], total: dict[str, Any] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"hits": hits}
    if total is not None:
        found["total"] = total
    return {"status": 200, "hits": found}


def _passes(document: dict[str, Any], clauses: list[dict[str, Any]]) -> bool:
    """The filter clauses the tests use: a key's term, texts' terms, Nice classes."""
    for clause in clauses:
        ((kind, condition),) = clause.items()
        ((field, wanted),) = condition.items()
        values = document[field]
        wanted = wanted if kind == "terms" else [wanted]
        if not set(wanted) & set(values if isinstance(values, list) else [values]):
            return False
    return True


def answer_from(documents: Documents) -> Callable[[Recorded], Answer]:
    """Answer every search of an ``_msearch`` from ``documents`` as a cluster holding them would:
    key postings in (mark_length, number) order with their sort values, capped; capped sources
    in number order; documents by id."""

    def answer(request: Recorded) -> Answer:
        responses = []
        for body in searches(request):
            query = body["query"]
            if "ids" in query:
                found = [documents[n] for n in query["ids"]["values"] if n in documents]
                responses.append(result([hit(d) for d in found]))
                continue
            marks = [d for d in documents.values() if _passes(d, query["bool"]["filter"])]
            if body["_source"] is False:
                marks.sort(key=lambda d: (d["mark_length"], d["application_no"]))
                postings = [
                    {"_id": d["application_no"], "sort": [d["mark_length"], d["application_no"]]}
                    for d in marks[: body["size"]]
                ]
                responses.append(result(postings))
            else:
                marks.sort(key=lambda d: d["application_no"])
                responses.append(result([hit(d) for d in marks[: body["size"]]]))
        return 200, {"responses": responses}

    return answer


def searches(request: Recorded) -> list[dict[str, Any]]:
    lines = request.ndjson()
    assert lines[::2] == [{}] * (len(lines) // 2)  # every header is empty: the alias is in the URL
    return lines[1::2]
