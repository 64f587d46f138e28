"""Load form definitions from JSON: the built-in ones shipped in forms/, or any document."""

from __future__ import annotations

from functools import cache
from importlib import resources

from investment.survey.definition import FormDefinition

__all__ = ["builtin_form", "builtin_form_names", "parse_form"]


def parse_form(document: str | bytes) -> FormDefinition:
    """Validate a JSON form document (pydantic ValidationError if it is not a sound form)."""
    return FormDefinition.model_validate_json(document)


def builtin_form_names() -> list[str]:
    folder = resources.files(__package__).joinpath("forms")
    return sorted(
        item.name.removesuffix(".json") for item in folder.iterdir() if item.name.endswith(".json")
    )


@cache
def builtin_form(name: str) -> FormDefinition:
    """A form shipped with the service, e.g. 'factory_survey-2026'; parsed once per process."""
    if name not in builtin_form_names():
        raise KeyError(f"no built-in form {name!r}")
    return parse_form(resources.files(__package__).joinpath("forms", f"{name}.json").read_bytes())
