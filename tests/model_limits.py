"""What the model-limit tests of both adapters share: the structured-output target, a model
that does not enforce JSON schemas, and a recorder of compatibility warnings.

The endpoint serving models no profile knows is the ``unknown`` fixture of ``tests/conftest.py``.
"""

from __future__ import annotations

import warnings

from pydantic import BaseModel

from ovh_responses.errors import OVHCompatibilityWarning
from ovh_responses.testing import ModelSpec


class Person(BaseModel):
    """A person mentioned in the text."""

    name: str
    age: int


PERSON_TEXT = "Ann is 31 years old"
ANN = Person(name="Ann", age=31)
NO_JSON_SCHEMA = ModelSpec("local-no-json-schema", 8192, structured=False)


class Warned:
    """The compatibility warnings given inside the block."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._catcher = warnings.catch_warnings(record=True)

    def __enter__(self) -> Warned:
        self._record = self._catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc: object) -> None:
        self.messages = [
            str(w.message) for w in self._record if issubclass(w.category, OVHCompatibilityWarning)
        ]
        self._catcher.__exit__(None, None, None)
