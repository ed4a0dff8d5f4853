"""The base class of every model of the package."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["APIModel"]


class APIModel(BaseModel):
    """A model of an API body.

    - Fields have snake_case names; the wire names are their aliases, and both are accepted
      (`Model(user_id=1)` and `Model.model_validate({"userId": 1})`).
    - Fields the documentation did not show are kept, not dropped (`model.model_extra`).
    - A model the client returns may hold a field that the response left out (it reads as
      `None` and is not in `model_fields_set`) or a value of another type than documented
      (kept as received); see the package README, "Responses that differ from the docs".
    - Dump with `model.model_dump(mode="json", by_alias=True)` to get the wire form back.
    - Validators are built on first use, which keeps importing the models fast.
    """

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, defer_build=True, protected_namespaces=()
    )
