"""A response body as the documented type: validated wherever the data fits.

The documented types were inferred from a few examples, and real responses differ from
them: a field left out, a null where a value was seen, a number where a string was seen.
The client must not bet a call on an inference, so by default (`lenient`) a body that does
not validate as a whole is built part by part:

- every part that validates (a field, a list item, a nested model) is the validated value,
  so typed access stays typed (`team.slug` is a `str` when the API sent one);
- a field the body left out reads as `None` and is not in `model_fields_set` (so
  `model_dump(exclude_unset=True)` leaves it out, as the wire did);
- a value of another type than documented is kept as received;
- fields the documentation did not show are kept in `model_extra`, as always.

`strict` validation raises instead (`pydantic.ValidationError`), for callers who want to know
when the API and its documentation part ways.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Union, cast, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

__all__ = ["construct", "construct_parts", "validate"]

_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}
_UNION_ORIGINS = (Union, types.UnionType)
_LIST_ORIGINS = (list, Sequence, tuple)
_DICT_ORIGINS = (dict, Mapping)


def validate(annotation: Any, data: Any) -> Any:
    """`data` validated as `annotation` (raises `pydantic.ValidationError`)."""
    adapter = _ADAPTERS.get(annotation)
    if adapter is None:
        adapter = _ADAPTERS[annotation] = TypeAdapter(annotation)
    return adapter.validate_python(data)


def construct(annotation: Any, data: Any) -> Any:
    """`data` as `annotation` wherever it fits, as received where it does not; never raises
    for the data (see the module docstring)."""
    try:
        return validate(annotation, data)
    except ValidationError:
        pass
    return construct_parts(annotation, data)


def construct_parts(annotation: Any, data: Any) -> Any:
    """The parts of `data` that fit, for data that does not fit `annotation` as a whole."""
    annotation = _unaliased(annotation)
    origin = get_origin(annotation)
    if origin is Annotated:
        return construct(get_args(annotation)[0], data)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _build_model(annotation, data) if isinstance(data, dict) else data
    if origin in _UNION_ORIGINS:
        member = _closest_member(get_args(annotation), data)
        return data if member is None else construct_parts(member, data)
    if origin in _LIST_ORIGINS and isinstance(data, list):
        args = get_args(annotation)
        item = args[0] if args else Any
        return [construct(item, value) for value in data]
    if origin in _DICT_ORIGINS and isinstance(data, dict):
        args = get_args(annotation)
        value_type = args[1] if len(args) == 2 else Any
        return {key: construct(value_type, value) for key, value in data.items()}
    return data


def _unaliased(annotation: Any) -> Any:
    """The type a `type X = ...` alias (`TypeAliasType`) stands for."""
    value = getattr(annotation, "__value__", None)
    return annotation if value is None else value


def _build_model(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    if not model.__pydantic_complete__:
        # Validators are built on first use (`defer_build`), and with them the fields'
        # types: until then a field's annotation may still be a forward reference.
        model.model_rebuild()
    values: dict[str, Any] = {}
    present: set[str] = set()
    used: set[str] = set()
    for name, info in model.model_fields.items():
        key = info.alias if info.alias is not None and info.alias in data else name
        if key not in data:
            values[name] = (
                None
                if info.is_required()
                else info.get_default(call_default_factory=True)
            )
            continue
        annotation: Any = info.annotation
        if info.metadata:
            # Constraints (a pattern, a length) are part of the field's type.
            params = (annotation, *info.metadata)
            annotation = cast(Any, Annotated)[params]
        values[name] = construct(annotation, data[key])
        present.add(name)
        used.add(key)
    instance = model.model_construct(_fields_set=present, **values)
    if model.model_config.get("extra") == "allow":
        extra = {key: value for key, value in data.items() if key not in used}
        object.__setattr__(instance, "__pydantic_extra__", extra)
    return instance


def _closest_member(members: tuple[Any, ...], data: Any) -> Any:
    """The member of a union that `data` is closest to: a model for an object (the one
    sharing the most keys), a list type for a list, a mapping type for an object without a
    model; None when no member has the data's shape."""
    best: Any = None
    best_score = -1
    for member in members:
        member = _unaliased(member)
        origin = get_origin(member)
        if origin is Annotated:
            member = _unaliased(get_args(member)[0])
            origin = get_origin(member)
        if isinstance(data, dict):
            if isinstance(member, type) and issubclass(member, BaseModel):
                keys = {
                    info.alias or name for name, info in member.model_fields.items()
                }
                score = 1 + len(keys & data.keys())
            elif origin in _DICT_ORIGINS or member is dict:
                score = 0
            else:
                continue
        elif isinstance(data, list) and (origin in _LIST_ORIGINS or member is list):
            score = 0
        else:
            continue
        if score > best_score:
            best, best_score = member, score
    return best
