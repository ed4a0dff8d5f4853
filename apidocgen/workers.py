"""The models worker: datamodel-code-generator in a second process, beside the other renderers.

Writing the models is the slowest renderer (most of a cold run over a large API), and it
needs nothing the others make: a forked process renders them meanwhile. Forked, so that it
shares what is already imported; only where `forking.can_fork` allows it, else the models are
rendered in this process like the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apidocgen.config import Config
from apidocgen.forking import can_fork
from apidocgen.model import Api

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

_TINY_API = Api(
    title="warm-up",
    version="0",
    server="/",
    tags=(),
    operations=(),
    schemas={"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}},
    secured=False,
)


def render_models(api: Api, config: Config) -> dict[str, str]:
    """`render.models.render_models`, imported on first use (runs without models need not)."""
    from apidocgen.render.models import render_models as render

    return render(api, config)


def _warm_up() -> None:
    # datamodel-code-generator imports and prepares most of itself on first use: do that
    # with a tiny API while the parent process is still inferring.
    render_models(_TINY_API, Config())


class ModelsWorker:
    """A second process for the models, warmed up as soon as it starts."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool
        self.pool.submit(_warm_up)

    @classmethod
    def start(cls) -> ModelsWorker | None:
        """A worker, or None where forking is not safe or not worth it."""
        if not can_fork():
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        return cls(ProcessPoolExecutor(max_workers=1, mp_context=context))

    def submit(self, api: Api, config: Config) -> Future[dict[str, str]]:
        return self.pool.submit(render_models, api, config)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
