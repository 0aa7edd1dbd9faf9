# Type stubs of cgp.torch.
import os
from typing import Any, Callable, Iterable, Optional, Sequence, Union

import torch

class Optimizer(torch.optim.Optimizer):
    plugin_id: str
    needs_closure: bool  # the plugin evaluates the loss inside its steps: step(closure) is required
    def __init__(
        self,
        params: Iterable[Any],
        plugin: Union[str, os.PathLike[str]] = "adam",
        plugin_dir: Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]], None] = None,
        scalar: bool = False,
        **hparams: Any,
    ) -> None: ...
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]: ...
