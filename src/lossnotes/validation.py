"""Input checks shared by every public function.

Each check either returns a clean array or raises an exception whose message
names the parameter, the offending value or index, and what is allowed.
Nothing here computes a loss.

The messages are English templates marked with :func:`N_` and raised as
:class:`InputError` or :class:`InputTypeError` (a ``ValueError`` and a
``TypeError``), which keep the template and its fields apart: the command line
prints them in the reader's language through the gettext catalog
``lossnotes.po``, while this module imports nothing above it.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "MAX_RESOLUTION",
    "N_",
    "InputError",
    "InputTypeError",
    "check_bounds",
    "check_finite_scalar",
    "check_integer",
    "check_logits",
    "check_name",
    "check_resolution",
    "check_target",
]

#: The largest grid resolution accepted. A 4096 x 4096 grid of 3 classes in
#: float64 already needs about 400 MB for the logits alone, and a surface holds
#: the logits, the gradient and the loss.
MAX_RESOLUTION = 4096


def N_(template: str) -> str:
    """Mark ``template`` for translation (it is extracted into lossnotes.pot) and return it."""
    return template


class _Templated(Exception):
    """An error message kept as a translatable template and its fields."""

    template: str
    fields: dict[str, Any]

    def __init__(self, template: str, **fields: Any) -> None:
        self.template = template
        self.fields = fields
        super().__init__(template.format(**fields))

    def translated(self, translate: Callable[[str], str]) -> str:
        """The message in another language: ``translate`` maps an English template to it.

        A field named ``reason`` holds a marked template too and is translated as well.
        """
        fields = dict(self.fields)
        if fields.get("reason"):
            fields["reason"] = translate(fields["reason"])
        return translate(self.template).format(**fields)


class InputError(_Templated, ValueError):
    """A value outside what a parameter allows (a ``ValueError``)."""


class InputTypeError(_Templated, TypeError):
    """A value of a type a parameter does not take (a ``TypeError``)."""


def _first_index(mask: np.ndarray) -> tuple[int, ...]:
    """Return the index of the first True entry of ``mask`` as a tuple of ints."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def check_logits(logits: Any, name: str = "logits", *, check_values: bool = True) -> np.ndarray:
    """Return ``logits`` as a floating array of shape (..., K), K >= 2.

    Integer input becomes float64, float16 becomes float32; float32, float64
    and longer floats are kept. ``-inf`` is allowed (a class of probability 0)
    as long as every sample has one finite logit.

    Parameters
    ----------
    logits : array_like
        The candidate logits.
    name : str, optional
        The parameter's name, as messages show it.
    check_values : bool, optional
        Whether to scan the values (NaN, ``+inf``, all ``-inf`` samples). The
        loss functions skip the scan: their single pass detects invalid values
        on the way and then call this function again to report them.

    Returns
    -------
    ndarray
        A floating array of shape (..., K), not copied if it already was one.

    Raises
    ------
    TypeError
        If the input is not a real numeric array (strings, booleans, complex,
        objects).
    ValueError
        If it is empty, has no class axis, has fewer than 2 classes, or holds
        NaN, ``+inf``, or a sample whose logits are all ``-inf``.
    """
    try:
        arr = np.asarray(logits)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise InputTypeError(
            N_(
                "{name} must be a real numeric array of shape (..., K); could not convert it: "
                "{detail}"
            ),
            name=name,
            detail=exc,
        ) from None
    kind = arr.dtype.kind
    if kind in "iu":
        arr = arr.astype(np.float64)
    elif kind == "f":
        if arr.dtype.itemsize < 4:
            arr = arr.astype(np.float32)
    else:
        raise InputTypeError(
            N_("{name} must be a real numeric array (integers or floats), got dtype {dtype}"),
            name=name,
            dtype=arr.dtype,
        )
    if arr.ndim == 0:
        raise InputError(
            N_("{name} must have a class axis: shape (..., K) with K >= 2, got a scalar"),
            name=name,
        )
    if arr.size == 0:
        raise InputError(
            N_("{name} must not be empty, got shape {shape}"), name=name, shape=arr.shape
        )
    if arr.shape[-1] < 2:
        raise InputError(
            N_("{name} must have at least 2 classes on its last axis, got K = {k}"),
            name=name,
            k=arr.shape[-1],
        )
    if check_values and not np.isfinite(arr).all():
        nan = np.isnan(arr)
        if nan.any():
            raise InputError(
                N_("{name} must not contain NaN; found NaN at index {index}"),
                name=name,
                index=_first_index(nan),
            )
        posinf = np.isposinf(arr)
        if posinf.any():
            raise InputError(
                N_(
                    "{name} must not contain +inf (only finite values and -inf are allowed); "
                    "found +inf at index {index}"
                ),
                name=name,
                index=_first_index(posinf),
            )
        dead = np.isneginf(arr).all(axis=-1)
        if dead.any():
            raise InputError(
                N_(
                    "{name} must have at least one finite logit per sample; the sample at "
                    "index {index} is all -inf"
                ),
                name=name,
                index=_first_index(np.asarray(dead)),
            )
    return arr


def check_target(target: Any, logits: np.ndarray, name: str = "target") -> np.ndarray:
    """Return ``target`` as an intp array broadcast to ``logits.shape[:-1]``.

    Raises
    ------
    TypeError
        If ``target`` is not an integer or an array of integers.
    ValueError
        If it cannot be broadcast to the batch shape of ``logits`` or holds a
        class index outside ``0 .. K-1``.
    """
    k = logits.shape[-1]
    if isinstance(target, bool | np.bool_):
        raise InputTypeError(
            N_("{name} must be an integer class index, got a boolean: {value!r}"),
            name=name,
            value=target,
        )
    if isinstance(target, numbers.Integral):
        value = operator.index(target)
        if not 0 <= value < k:
            raise InputError(
                N_("{name} must be a class index from 0 to {last} (K = {k}), got {value}"),
                name=name,
                last=k - 1,
                k=k,
                value=value,
            )
        return np.full(logits.shape[:-1], value, dtype=np.intp)
    try:
        arr = np.asarray(target)
    except (ValueError, TypeError) as exc:
        raise InputTypeError(
            N_("{name} must be an integer or an integer array: {detail}"), name=name, detail=exc
        ) from None
    if arr.dtype.kind not in "iu":
        raise InputTypeError(
            N_("{name} must be an integer or an integer array of class indices, got dtype {dtype}"),
            name=name,
            dtype=arr.dtype,
        )
    batch = logits.shape[:-1]
    try:
        arr = np.broadcast_to(arr, batch)
    except ValueError:
        raise InputError(
            N_(
                "{name} of shape {shape} cannot be broadcast to the batch shape {batch} of "
                "logits (logits have shape {logits_shape})"
            ),
            name=name,
            shape=arr.shape,
            batch=batch,
            logits_shape=logits.shape,
        ) from None
    bad = (arr < 0) | (arr >= k)
    if bad.any():
        where = _first_index(bad)
        raise InputError(
            N_(
                "{name} must hold class indices from 0 to {last} (K = {k}); found {value} at "
                "index {index}"
            ),
            name=name,
            last=k - 1,
            k=k,
            value=int(arr[where]),
            index=where,
        )
    return arr.astype(np.intp, copy=False)


def check_name(value: Any, allowed: tuple[str, ...], name: str) -> str:
    """Return ``value`` if it is one of ``allowed``; otherwise raise.

    Raises
    ------
    TypeError
        If ``value`` is not a string.
    ValueError
        If it is not one of ``allowed``.
    """
    if not isinstance(value, str):
        raise InputTypeError(
            N_("{name} must be a string, one of {allowed}; got {value!r}"),
            name=name,
            allowed=", ".join(allowed),
            value=value,
        )
    if value not in allowed:
        raise InputError(
            N_("{name} must be one of {allowed}; got {value!r}"),
            name=name,
            allowed=", ".join(allowed),
            value=value,
        )
    return value


def check_finite_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a finite Python float, or raise naming ``name``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InputTypeError(
            N_("{name} must be a finite real number, got {value!r}"), name=name, value=value
        )
    out = float(value)
    if not np.isfinite(out):
        raise InputError(
            N_("{name} must be a finite real number, got {value}"), name=name, value=out
        )
    return out


def check_bounds(low: Any, high: Any, name: str = "range") -> tuple[float, float]:
    """Return ``(low, high)`` as finite floats with ``low < high``, or raise."""
    lo = check_finite_scalar(low, f"{name} low end")
    hi = check_finite_scalar(high, f"{name} high end")
    if not lo < hi:
        raise InputError(
            N_("{name} must have low < high, got low = {low} and high = {high}"),
            name=name,
            low=lo,
            high=hi,
        )
    return lo, hi


def check_integer(value: Any, name: str, low: int, high: int, why: str = "") -> int:
    """Return ``value`` as an int in ``low .. high``, or raise naming ``name`` and the range.

    ``why``, if given, is added to the message in parentheses (for example what a cap protects).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise InputTypeError(
            N_("{name} must be an integer from {low} to {high}, got {value!r}"),
            name=name,
            low=low,
            high=high,
            value=value,
        )
    n = operator.index(value)
    if not low <= n <= high:
        if why:
            raise InputError(
                N_("{name} must be an integer from {low} to {high}, got {value} ({reason})"),
                name=name,
                low=low,
                high=high,
                value=n,
                reason=why,
            )
        raise InputError(
            N_("{name} must be an integer from {low} to {high}, got {value}"),
            name=name,
            low=low,
            high=high,
            value=n,
        )
    return n


def check_resolution(value: Any, name: str = "resolution") -> int:
    """Return ``value`` as an int in 2 .. :data:`MAX_RESOLUTION`, or raise."""
    return check_integer(
        value,
        name,
        2,
        MAX_RESOLUTION,
        N_(
            "the cap bounds memory: a surface stores logits, loss and gradient for "
            "resolution**2 points"
        ),
    )
