# Type stubs of the package cgp, for editors and type checkers.
import os
from typing import Any, Callable, Iterable, Literal, Mapping, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str

PathLike = Union[str, os.PathLike[str]]
Data = Union[Literal["generated"], PathLike, Any, tuple[npt.ArrayLike, npt.ArrayLike]]
ProgressArg = Union[Literal["auto"], bool, Callable[[int, int, float, float], None]]

class Error(Exception): ...

class SourceError(Error):
    file: str
    line: int
    column: int
    message: str
    def __init__(self, text: str, file: str = ..., line: int = ..., column: int = ..., message: str = ...) -> None: ...

class UsageError(Error, TypeError): ...
class DataError(Error, ValueError): ...
class TensorError(Error, ValueError): ...

class Result:
    record: np.ndarray  # fields iteration (uint64), loss (float64), window (uint64), seconds (float64)
    params: npt.NDArray[np.float64]
    param_names: list[str]
    model: str
    inputs: list[str]
    outputs: list[str]
    optimizer: dict[str, str]
    hyperparameters: dict[str, float]
    data: str
    dtype: Literal["f32", "f64"]
    simd: dict[str, str]
    threads: dict[str, int]
    batch_size: int
    seed: int
    log_every: int
    iterations: int
    steps: int
    skipped: int
    final_loss: float
    min_loss: float
    min_iteration: int
    seconds: float
    iterations_per_second: float
    stop: Literal["completed", "early-stop", "non-finite", "interrupted"]
    message: str
    transforms: str
    notes: list[str]
    # Held-out data: fields iteration (uint64), validation_loss, validation_accuracy or
    # validation_mae, validation_r2, the same for test (float64); None without held-out data.
    evaluation: Optional[np.ndarray]
    best: Optional[dict[str, Any]]  # iteration, validation: {metric: value}, test: {metric: value}
    classes: list[str]
    @property
    def loss(self) -> npt.NDArray[np.float64]: ...
    @property
    def metrics(self) -> dict[str, float]: ...
    def param_dict(self) -> dict[str, float]: ...
    def to_frame(self) -> Any: ...  # pandas.DataFrame
    def evaluation_frame(self) -> Any: ...  # pandas.DataFrame
    def save(self, path: PathLike) -> None: ...
    def to_model(self) -> Model: ...
    def predict(self, X: Any) -> Predictions: ...  # numpy array (samples, inputs) or pandas.DataFrame

class Predictions:
    values: npt.NDArray[np.float64]  # samples x columns: outputs after the link, or class probabilities
    columns: list[str]  # the labels, or "p(CLASS)" per class
    class_index: Optional[npt.NDArray[np.int64]]
    classes: Optional[np.ndarray]  # class names (object array)
    @property
    def probabilities(self) -> npt.NDArray[np.float64]: ...
    def to_frame(self) -> Any: ...  # pandas.DataFrame
    def __len__(self) -> int: ...

class Model:
    origin: str
    columns: list[str]
    labels: list[str]
    class_names: list[str]
    outputs: list[str]
    params: npt.NDArray[np.float64]
    param_names: list[str]
    loss: str
    def predict(self, X: Any) -> Predictions: ...  # numpy array (samples, columns) or pandas.DataFrame

def load(path: PathLike) -> Model: ...

def train(
    data: Data = "generated",
    *,
    optimizer: PathLike = "adam",
    label: Union[str, Sequence[str], None] = None,
    progress: ProgressArg = "auto",
    plugin_dir: Union[PathLike, Sequence[PathLike], None] = None,
    # cgp-run's options (None: the option's default)
    model: Union[PathLike, None] = None,
    expr: Union[str, Sequence[str], None] = None,
    layers: Union[Sequence[int], None] = None,
    activation: Union[str, None] = None,
    bias: Union[Literal["none", "per-node"], None] = None,
    output: Union[str, Sequence[str], None] = None,
    standardize: Union[bool, None] = None,
    features: Union[str, Sequence[str], None] = None,
    dataset_size: Union[int, None] = None,
    iterations: Union[int, None] = None,
    batch_size: Union[int, None] = None,
    seed: Union[int, None] = None,
    dtype: Union[Literal["f32", "f64"], None] = None,
    simd: Union[Literal["auto", "scalar", "sse2", "avx2", "avx512"], None] = None,
    optimizer_form: Union[Literal["simd", "scalar"], None] = None,
    log_every: Union[int, None] = None,
    on_nonfinite: Union[Literal["stop", "skip"], None] = None,
    threads: Union[int, None] = None,
    schedule: Union[str, Sequence[str], None] = None,
    decay: Union[float, None] = None,
    decay_mode: Union[Literal["coupled", "decoupled"], None] = None,
    decay_biases: Union[bool, None] = None,
    decay_lr: Union[float, None] = None,
    clip_value: Union[float, None] = None,
    clip_norm: Union[float, None] = None,
    clip_norm_per_tensor: Union[float, None] = None,
    group: Union[str, Sequence[str], None] = None,
    loss: Union[Literal["mse", "bce", "cross-entropy", "huber"], None] = None,
    output_activation: Union[Literal["none", "sigmoid", "relu", "tanh", "softplus", "softmax"], None] = None,
    init: Union[str, None] = None,
    init_bias: Union[Literal["default", "zeros"], None] = None,
    init_params: Union[PathLike, None] = None,
    set: Union[str, Sequence[str], None] = None,
    validation: Union[PathLike, None] = None,
    test: Union[PathLike, None] = None,
    split: Union[str, None] = None,
    epochs: Union[int, None] = None,
    eval_every: Union[int, None] = None,
    loss_csv: Union[PathLike, None] = None,
    early_stop: Union[int, None] = None,
    min_delta: Union[float, None] = None,
    early_stop_on: Union[Literal["loss", "validation"], None] = None,
    checkpoint: Union[PathLike, None] = None,
    checkpoint_every: Union[int, None] = None,
    resume: Union[PathLike, None] = None,
    force: Union[bool, None] = None,
    config: Union[PathLike, None] = None,
    save_model: Union[PathLike, None] = None,
    keep_best: Union[PathLike, None] = None,
    # the optimizer's hyperparameters (lr, momentum, beta1, ...)
    **hyperparameters: float,
) -> Result: ...

def train_options(optimizer: PathLike = "adam", plugin_dir: Union[PathLike, Sequence[PathLike], None] = None
                  ) -> list[dict[str, str]]: ...
def plugins(plugin_dir: Union[PathLike, Sequence[PathLike], None] = None) -> list[dict[str, Any]]: ...
def sweep(
    optimizers: Union[str, Sequence[str], None] = None,
    models: Union[str, Sequence[PathLike], None] = None,
    grid: Union[Mapping[str, Union[Sequence[Any], Any]], Sequence[str], None] = None,
    out: Union[PathLike, None] = None,
    **options: Any,
) -> Any: ...  # pandas.DataFrame; .attrs["records"]: dict[str, pandas.DataFrame]
def conformance(
    plugin: PathLike,
    checks: Union[str, Sequence[str], None] = None,
    variant: Union[str, None] = None,
    timeout: Union[float, None] = None,
    plugin_dir: Union[PathLike, Sequence[PathLike], None] = None,
) -> list[dict[str, Any]]: ...

class ArrayOptimizer:
    dtype: np.dtype[Any]
    size: int
    t: int
    scalar: bool
    hyperparameters: dict[str, float]
    state: list[np.ndarray]
    def __init__(self, plugin: PathLike = "adam", size: int = 1, dtype: Any = "float64",
                 plugin_dir: Union[PathLike, None] = None, scalar: bool = False, **hparams: float) -> None: ...
    def step(self, params: np.ndarray, grads: np.ndarray) -> None: ...
