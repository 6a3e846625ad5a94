"""Keyword arguments checked before a model object is built.

An argument a class does not take (a typo such as ``temprature``, or an option of another
library) is refused with an :class:`UnknownArgumentError` naming the closest valid one, instead
of being ignored while the object talks to a default it was not meant to. The other spellings
that users of each framework's OpenAI classes reach for (``base_url`` / ``api_base``, ``model``
/ ``model_name``, ``max_tokens`` / ``max_output_tokens``) are renamed to the field they mean.
"""

from __future__ import annotations

import difflib
import functools
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ovh_responses.errors import OVHError

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping

    from pydantic import BaseModel

__all__ = ["UnknownArgumentError", "checked", "spellings", "with_positional"]


class UnknownArgumentError(OVHError, TypeError):
    """A keyword argument the class does not take, or one given under two spellings."""


@functools.cache
def spellings(model: type[BaseModel]) -> Mapping[str, str]:
    """Each name a field of ``model`` can be given under (its own and its validation aliases),
    mapped to the field."""
    from pydantic import AliasChoices

    names: dict[str, str] = {}
    for field, info in model.model_fields.items():
        alias = info.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias, info.alias]
        names.update({c: field for c in choices if isinstance(c, str)})
        names[field] = field
    return MappingProxyType(names)


def checked(
    owner: str, given: Mapping[str, Any], names: Mapping[str, str], *, hint: str = ""
) -> dict[str, Any]:
    """``given`` with every spelling in ``names`` renamed to its field.

    Raises :class:`UnknownArgumentError` for a name not in ``names`` (naming the closest one)
    and for one field given under two spellings (rather than letting one silently win).
    """
    _refuse_unknown(owner, given, names, hint)
    renamed: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for name, value in given.items():
        field = names[name]
        if field in renamed:
            raise UnknownArgumentError(
                f"{owner} got {spelled[field]!r} and {name!r}, two spellings of one argument; "
                "pass only one."
            )
        renamed[field], spelled[field] = value, name
    return renamed


def with_positional(name: str, value: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments, with a positional argument's value under ``name`` when given."""
    return kwargs if value is None else {name: value, **kwargs}


def _refuse_unknown(owner: str, given: Iterable[str], names: Collection[str], hint: str) -> None:
    unknown = sorted(set(given) - set(names))
    if not unknown:
        return
    name = unknown[0]
    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
    fix = f"did you mean {close[0]!r}?" if close else f"see help({owner}) for the arguments."
    others = f" (also unknown: {', '.join(unknown[1:])})" if len(unknown) > 1 else ""
    raise UnknownArgumentError(
        f"{owner} got an unknown argument {name!r}{others}; {fix}" + (f" {hint}" if hint else "")
    )
