"""Cross-entropy and mean-squared-error losses and their gradients, stable at any logit.

Definitions, for logits ``z`` of K classes, ``p = softmax(z)`` and the one-hot
target ``y`` of class ``t``:

* cross-entropy ``CE = -log p_t``;
* MSE ``= (1/K) * sum_k (p_k - y_k)**2`` (the mean over classes; the sum used in
  many lectures is K times this);
* MSE on logits ``= (1/K) * sum_k (z_k - y_k)**2``: the square loss on the raw
  outputs, with no softmax.

Gradients are with respect to every one of the K logits. Every loss and
gradient of the softmax is built on one pass of :mod:`lossnotes.softmax`: the
exponentials ``e_k = exp(z_k - m)`` of the logits shifted by their maximum
``m``, and the normaliser ``T = 1 + rest``. Each formula is arranged so that no
two nearly equal numbers are ever subtracted: ``1 - p_t`` is ``r / T`` with
``r`` the sum of the other exponentials, and differences of close exponentials
are ``expm1`` of logit differences. The one cancellation left, near the genuine
sign change of a non-target MSE gradient entry, is detected and the few samples
it affects are recomputed exactly (see :func:`mse_grad`).

Accuracy: Blanchard, Higham and Higham (2021) show that the shift by the
maximum costs no accuracy; what is left is the rounding of each shifted logit
before it is exponentiated, a relative error of at most ``|z_k - m| * eps / 2``
in ``e_k``, below 1e-13 in float64 wherever ``e_k`` is a normal number. The
rest is sums of terms of one sign, products and quotients: every loss and
gradient entry is within a relative 1e-12 of its exact value in float64
wherever that is a normal number (2e-5 in float32, times the condition number
of the bracket for a non-target MSE gradient entry). Each sample is computed on
its own, so its numbers do not depend on the batch it is in. float32 input is
computed in float32, integer input in float64; no numpy floating-point warning
is ever emitted.

Reference: P. Blanchard, D. J. Higham and N. J. Higham, "Accurately computing
the log-sum-exp and softmax functions", IMA J. Numer. Anal. 41(4), 2311-2330,
2021, https://doi.org/10.1093/imanum/draa038.
"""

from __future__ import annotations

import decimal

import numpy as np
from numpy.typing import ArrayLike

from .softmax import SoftmaxPass, softmax_pass
from .validation import check_logits, check_name, check_target

__all__ = [
    "LOSS_NAMES",
    "cross_entropy",
    "cross_entropy_grad",
    "loss_and_grad",
    "mse",
    "mse_grad",
    "mse_logits",
    "mse_logits_grad",
]

#: The names :func:`loss_and_grad` accepts.
LOSS_NAMES: tuple[str, ...] = ("cross_entropy", "mse", "mse_logits")

#: Below this ``|z_j - z_k|``, ``e_j - e_k`` is computed through ``expm1``; above
#: it the smaller exponential is at most half the larger, and the plain
#: difference is exact to a few ulp.
_EXPM1_BELOW = 0.7
#: A non-target MSE bracket whose terms' sizes add up to more than this many
#: times its value loses more than 1e-12 of relative accuracy in float64: the
#: sample is recomputed exactly.
_ILL_CONDITIONED = 1e3
_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)


# ----------------------------------------------------------- target first
#
# The softmax pass returns arrays with the class axis first, shape (K, n).
# The formulas below take them as lists of class planes with each sample's
# target first: plane 0 is the target, planes 1 .. K-1 the other classes. A
# sum over the classes is then K - 1 element-wise additions of planes.


def _class_order(target: np.ndarray, k: int) -> np.ndarray:
    """``order[j]``: the class plane ``j`` holds, target first (shape (K, 1) or (K, n)).

    The shape is (K, 1) when the whole batch has one target.
    """
    if (target == target[0]).all():
        target = target[:1]
    rank = np.arange(k)[:, np.newaxis] - 1
    order = rank + (rank >= target)  # 0 .. K-1 without the target, in increasing order
    order[0] = target
    return order


def _target_first(planes: np.ndarray, order: np.ndarray) -> list[np.ndarray]:
    """The class planes (K, n) reordered by :func:`_class_order`: views for one target."""
    if order.shape[1] == 1:
        return [planes[j] for j in order[:, 0]]
    return list(np.take_along_axis(planes, order, axis=0))


def _class_sum(planes: list[np.ndarray]) -> np.ndarray:
    """Sum of the planes, one after the other (a new array).

    An explicit loop fixes the order of the additions, so a sample's sum does
    not depend on how many samples sit beside it.
    """
    total = planes[0].copy()
    for plane in planes[1:]:
        total += plane
    return total


def _exp_difference(z: list[np.ndarray], e: list[np.ndarray], j: int, k: int) -> np.ndarray:
    """``e_j - e_k`` to full relative accuracy (a new array).

    The plain difference is exact to a few ulp unless the two logits are within
    ``_EXPM1_BELOW`` of each other; there it is ``e_k * expm1(z_j - z_k)``.
    """
    diff = e[j] - e[k]
    with np.errstate(over="ignore", invalid="ignore"):
        gap = z[j] - z[k]  # inf or nan only for huge or -inf logits, never near 0
        near = np.flatnonzero(np.abs(gap) < _EXPM1_BELOW)
    if near.size:
        diff[near] = e[k][near] * np.expm1(gap[near])
    return diff


# ------------------------------------------------------------ cross-entropy


def _cross_entropy(sp: SoftmaxPass, order: np.ndarray, grad: list[np.ndarray]) -> np.ndarray:
    """Cross-entropy from one softmax pass; its gradient is written into ``grad``.

    ``-log p_t = log1p(rest) - (z_t - m)``: two non-negative terms, so nothing
    cancels, and a target that wins by a wide margin keeps the digits of
    ``log1p`` (``z_t - m = 0`` there). The gradient is ``p_k - y_k``:
    ``e_k / T``, and ``-r / T`` for the target, with ``r`` the sum of the
    other exponentials (``1 - p_t`` as a sum of terms of one sign, which keeps
    its digits when it is tiny).
    """
    e = _target_first(sp.exp, order)
    loss = np.log1p(sp.rest)
    loss -= _target_first(sp.shifted, order)[0]
    np.divide(_class_sum(e[1:]), sp.total, out=grad[0])
    np.negative(grad[0], out=grad[0])
    for j in range(1, len(e)):
        np.divide(e[j], sp.total, out=grad[j])
    return loss


# ---------------------------------------------------------------------- MSE


def _mse_bracket(
    e: list[np.ndarray], r: np.ndarray, diffs: dict, j: int, bracket: np.ndarray, size: np.ndarray
) -> None:
    """The bracket ``B_j`` of a non-target MSE gradient entry, and its terms' sizes.

    ``B_j = e_t (e_j + r) + sum_{k not in {t, j}} e_k (e_j - e_k)``, with the
    differences ``diffs[j, k] = e_j - e_k`` for ``j < k``; written into
    ``bracket`` and ``size``.
    """
    np.add(e[j], r, out=bracket)
    bracket *= e[0]  # the positive part, e_t (e_j + r)
    size[...] = bracket
    for k in range(1, len(e)):
        if k != j:
            term = np.multiply(e[k], diffs[min(j, k), max(j, k)])
            if j < k:
                bracket += term
            else:
                bracket -= term
            size += np.abs(term, out=term)


def _regrouped_brackets(
    z: list[np.ndarray], e: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Every non-target bracket, grouped as ``2 e_t e_j + sum_k e_k (e_t + e_j - e_k)``.

    The grouping of :func:`_mse_bracket` cancels where the target ties with a
    class ``k`` far above ``j`` (``e_t e_k`` against ``e_k**2``), although the
    bracket does not change sign there. Here ``e_t + e_j - e_k`` is the smaller
    of ``e_t, e_j`` plus the difference of the larger and ``e_k``: two terms of
    one sign unless ``e_k`` exceeds both, and then its rounding error is a few
    ulp of ``2 e_t e_j``, so the terms' sizes still measure the accuracy. Used
    on the few samples the first grouping flags; returns the brackets and
    their terms' sizes for planes 1 .. K-1.
    """
    k = len(e)
    diffs = {(i, j): _exp_difference(z, e, i, j) for i in range(k) for j in range(i + 1, k)}

    def diff(i: int, j: int) -> np.ndarray:
        return diffs[i, j] if i < j else -diffs[j, i]

    brackets, sizes = [], []
    for j in range(1, k):
        bracket = 2 * e[0] * e[j]
        size = bracket.copy()
        for m in range(1, k):
            if m != j:
                term = e[m] * np.where(e[0] >= e[j], e[j] + diff(0, m), e[0] + diff(j, m))
                bracket += term
                size += np.abs(term)
        brackets.append(bracket)
        sizes.append(size)
    return brackets, sizes


def _exact_mse_grad(logits: list[float]) -> list[float]:
    """The MSE gradient of one sample (target first), correctly rounded to float64.

    Evaluated in decimal arithmetic from the exact binary values of the logits,
    with ``p_t - 1`` written as minus the other probabilities, and with enough
    digits that the cancellation of a bracket near its sign change costs
    nothing: 50 digits, or 400 if more than 30 of them cancel. Every term is at
    most 1 in size, so at 400 digits the absolute error is far below the
    smallest normal float64.
    """
    k = len(logits)
    for digits in (50, 400):
        with decimal.localcontext() as ctx:
            ctx.prec = digits
            ctx.traps[decimal.Underflow] = False
            d = [decimal.Decimal(x) for x in logits]
            top = max(d)
            e = [(x - top).exp() for x in d]
            zero = decimal.Decimal(0)
            total = sum(e, zero)
            p = [x / total for x in e]
            a = [-sum(p[1:], zero), *p[1:]]
            c = sum((ai * pi for ai, pi in zip(a, p, strict=True)), zero)
            brackets = [ai - c for ai in a]
            size = max(abs(ai) + abs(c) for ai in a)
            if digits == 400 or all(b == 0 or abs(b) * 10**30 > size for b in brackets):
                return [float(2 * pi * b / k) for pi, b in zip(p, brackets, strict=True)]
    raise AssertionError("unreachable")  # pragma: no cover


def _mse(sp: SoftmaxPass, order: np.ndarray, grad: list[np.ndarray]) -> np.ndarray:
    """MSE from one softmax pass; its gradient is written into ``grad``.

    With ``r`` the sum of the non-target exponentials and ``T = e_t + r``:

    * ``K * MSE = N / T**2`` with ``N = r**2 + sum_{k != t} e_k**2``;
    * ``dMSE/dz_t = -(2/K) e_t N / T**3``, all terms of one sign;
    * ``dMSE/dz_j = (2/K) e_j B_j / T**3`` (see :func:`_mse_bracket`).

    In float64, a bracket that cancels (its terms' sizes add up to more than
    ``_ILL_CONDITIONED`` times its value) where the entry may be a normal
    number is computed again, grouped otherwise (:func:`_regrouped_brackets`),
    and, if it still cancels, the sample is recomputed exactly.
    """
    z, e = _target_first(sp.z, order), _target_first(sp.exp, order)
    k = len(e)
    r = _class_sum(e[1:])
    n_sum = r * r
    for plane in e[1:]:
        n_sum += plane * plane
    weight = sp.total * sp.total
    loss = n_sum / weight
    loss /= k
    weight *= sp.total
    np.divide(2.0 / k, weight, out=weight)  # (2/K) / T**3
    np.multiply(e[0], n_sum, out=grad[0])
    np.subtract(0.0, grad[0], out=grad[0])  # 0 - x: +0.0 where e_t is 0, not -0.0
    grad[0] *= weight
    diffs = {(i, j): _exp_difference(z, e, i, j) for i in range(1, k) for j in range(i + 1, k)}
    bracket, size, flags = np.empty_like(r), np.empty_like(r), np.empty(r.shape, dtype=bool)
    suspects = np.zeros(r.shape, dtype=bool)
    for j in range(1, k):
        _mse_bracket(e, r, diffs, j, bracket, size)
        np.multiply(e[j], bracket, out=grad[j])
        grad[j] *= weight
        np.abs(bracket, out=bracket)
        bracket *= _ILL_CONDITIONED
        suspects |= np.less(bracket, size, out=flags)
    # float32 keeps the first grouping's bound; in float64, unflagged brackets are final
    if grad[0].dtype != np.float64 or not suspects.any():
        return loss
    ill = np.flatnonzero(suspects)
    z_ill, e_ill, w_ill = [p[ill] for p in z], [p[ill] for p in e], weight[ill]
    exact = np.zeros(ill.shape, dtype=bool)
    for j, (b, s) in enumerate(zip(*_regrouped_brackets(z_ill, e_ill), strict=True), start=1):
        grad[j][ill] = e_ill[j] * b * w_ill
        exact |= (s > _ILL_CONDITIONED * np.abs(b)) & (s * e_ill[j] * w_ill >= _SMALLEST_NORMAL)
    for i in ill[exact]:
        for j, value in enumerate(_exact_mse_grad([float(plane[i]) for plane in z])):
            grad[j][i] = value
    return loss


# ------------------------------------------------------------ MSE on logits


def _mse_logits(z: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loss and gradient of the square loss on the raw logits (validated ``z``)."""
    batch, k = z.shape[:-1], z.shape[-1]
    residual = np.array(z, copy=True).reshape(-1, k)
    rows = np.arange(residual.shape[0])
    residual[rows, target.reshape(-1)] -= 1
    grad = residual * (2.0 / k)
    with np.errstate(over="ignore"):
        loss = np.square(residual).sum(axis=-1) / k
    big = np.isinf(loss) & np.isfinite(residual).all(axis=-1)
    if big.any():  # the squares overflow but the mean may not: scale by the largest residual
        sub = residual[big]
        exponent = np.frexp(np.abs(sub).max(axis=-1))[1] - 1  # residual / 2**exponent in [-2, 2)
        scale = np.ldexp(np.ones_like(exponent, dtype=z.dtype), exponent)
        mean = np.square(sub / scale[:, np.newaxis]).sum(axis=-1) / k
        with np.errstate(over="ignore"):
            loss[big] = scale * (scale * mean)
    return loss.reshape(batch), grad.reshape(*batch, k)


# ---------------------------------------------------------------- public API


def loss_and_grad(name: str, logits: ArrayLike, target: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """A loss and its gradient with respect to every logit, from one softmax pass.

    Parameters
    ----------
    name : {"cross_entropy", "mse", "mse_logits"}
        The loss. ``"mse_logits"`` is the square loss between the raw logits
        and the one-hot target (no softmax).
    logits : array_like, shape (..., K)
        Real logits, K >= 2; ``-inf`` allowed (a class of probability 0) where
        a sample has a finite logit. Integer input is computed in float64,
        float16 in float32; float32 stays float32 throughout.
    target : int or array_like of int
        Class index in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    loss : ndarray, shape (...)
        The loss of each sample, in the computing dtype.
    grad : ndarray, shape (..., K)
        Its gradient with respect to every logit, a view of class-planar
        memory (``grad[..., k]`` is contiguous).

    Raises
    ------
    TypeError, ValueError
        For an unknown ``name`` or input the validators reject (NaN, ``+inf``,
        an all ``-inf`` sample, a non-numeric or empty array, K < 2, a bad
        target); the message names the parameter, the offending value or
        index, and what is allowed.

    See Also
    --------
    cross_entropy, cross_entropy_grad, mse, mse_grad, mse_logits, mse_logits_grad

    Notes
    -----
    Both softmax losses start from one pass of :mod:`lossnotes.softmax`: the
    logits shifted by their maximum, their exponentials and the normaliser.
    Every sample is computed on its own, so a sample gives the same numbers
    alone and in any batch.

    Examples
    --------
    >>> from lossnotes import loss_and_grad
    >>> loss, grad = loss_and_grad("cross_entropy", [0.0, 0.0, -1000.0], 2)
    >>> float(loss)
    1000.6931471805599
    >>> grad
    array([ 0.5,  0.5, -1. ])
    >>> loss, grad = loss_and_grad("mse_logits", [[2.0, 0.0], [0.0, 1.0]], [0, 1])
    >>> loss
    array([0.5, 0. ])
    """
    check_name(name, LOSS_NAMES, "name")
    z = check_logits(logits)
    t = check_target(target, z)
    if name == "mse_logits":
        return _mse_logits(z, t)
    batch, k = z.shape[:-1], z.shape[-1]
    sp = softmax_pass(z.reshape(-1, k))
    order = _class_order(t.reshape(-1), k)
    grad = np.empty_like(sp.exp)
    planes = _target_first(grad, order)  # views of grad for one target, else new planes
    loss = (_cross_entropy if name == "cross_entropy" else _mse)(sp, order, planes)
    if order.shape[1] > 1:
        np.put_along_axis(grad, order, np.stack(planes), axis=0)
    return loss.reshape(batch), grad.T.reshape(*batch, k)


def cross_entropy(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Cross-entropy of the softmax of ``logits`` against class ``target``.

    .. math:: \mathrm{CE}(z, t) = -\log \operatorname{softmax}(z)_t
              = \operatorname{log1p}\Big(\sum_{k \ne t} e^{z_k - z_t}\Big)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Real logits, K >= 2; ``-inf`` allowed where a sample has a finite logit.
    target : int or array_like of int
        Class indices in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    ndarray, shape (...)
        The loss, ``>= 0``, in the input's floating type. It is ``inf`` where
        the target's logit is ``-inf``, and where the exact value exceeds the
        largest float (a target logit more than ~1.8e308 below the largest
        one in float64, ~3.4e38 in float32): ``inf`` is then the correctly
        rounded result.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    See Also
    --------
    cross_entropy_grad, loss_and_grad
    scipy.special.logsumexp : ``logsumexp(z) - z[t]`` is the usual stable formula.

    Notes
    -----
    The usual stable formula ``logsumexp(z) - z_t`` subtracts two nearly equal
    numbers when the target wins by a wide margin: for ``z = (9.06, -25.65)``
    and target 0 it returns 0.0, while the loss is about 8.4e-16. Here the loss
    is the sum of two non-negative terms, ``log1p`` of the sum of the shifted
    exponentials of every class but the largest, and ``max - z_t``; nothing
    cancels.

    Accuracy: relative error at most 1e-12 in float64 wherever the exact loss
    is a normal number, at any logit (measured against 400-digit arithmetic:
    below 6e-14); the error comes from rounding a logit gap before
    exponentiating it, at most ``|gap| * eps / 2`` with ``|gap| < 745``. In
    float32 the same analysis gives at most 2e-5 (measured below 4e-6).

    Examples
    --------
    >>> from lossnotes import cross_entropy
    >>> float(cross_entropy([9.06, -25.65], 0))
    8.426331353470533e-16
    >>> float(cross_entropy([1e15, 1e15 + 2, -1e15], 1))
    0.1269280110429725
    >>> float(cross_entropy([1e308, -1e308], 1))
    inf
    """
    return loss_and_grad("cross_entropy", logits, target)[0]


def cross_entropy_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`cross_entropy` with respect to every logit.

    .. math:: \frac{\partial\,\mathrm{CE}}{\partial z_k} = p_k - y_k

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`cross_entropy`.
    target : int or array_like of int
        As for :func:`cross_entropy`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient, finite for every allowed input; it sums to 0 over the
        classes. The target's entry ``p_t - 1`` is computed as minus the sum of
        the other probabilities, so ``-1e-300`` is not rounded to 0.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Notes
    -----
    Accuracy: every entry within a relative 1e-12 of the exact value in
    float64 wherever that is a normal number (2e-5 in float32).

    Examples
    --------
    >>> from lossnotes import cross_entropy_grad
    >>> cross_entropy_grad([0.0, 0.0, -1000.0], 2)
    array([ 0.5,  0.5, -1. ])
    >>> float(cross_entropy_grad([0.0, -700.0], 0)[0])
    -9.85967654375977e-305
    """
    return loss_and_grad("cross_entropy", logits, target)[1]


def mse(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Mean squared error between the softmax of ``logits`` and the one-hot ``target``.

    .. math:: \mathrm{MSE}(z, t) = \frac{1}{K} \sum_k (p_k - y_k)^2,
              \qquad p = \operatorname{softmax}(z)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Real logits, K >= 2; ``-inf`` allowed where a sample has a finite logit.
    target : int or array_like of int
        Class indices in ``0 .. K-1``, broadcastable to ``logits.shape[:-1]``.

    Returns
    -------
    ndarray, shape (...)
        The loss, in ``[0, 2/K]``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Notes
    -----
    This is the mean over the K classes; the sum used in many lectures is K
    times this value. It is evaluated as ``(r**2 + sum_{k != t} e_k**2) / (K T**2)``
    with ``e_k`` the exponentials, ``r`` the sum of the non-target ones and
    ``T`` the normaliser: ``1 - p_t`` never appears as a difference, so a loss
    of ``1e-40`` is not rounded to 0. Relative error at most 1e-12 in float64
    wherever the exact value is a normal number (2e-5 in float32).

    Examples
    --------
    >>> from lossnotes import mse
    >>> float(mse([0.0, 0.0, -1000.0], 0))
    0.16666666666666666
    >>> float(mse([0.0, -50.0], 0))
    3.720075976020836e-44
    """
    return loss_and_grad("mse", logits, target)[0]


def mse_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`mse` with respect to every logit.

    .. math:: \frac{\partial\,\mathrm{MSE}}{\partial z_j}
              = \frac{2}{K}\, p_j \Big((p_j - y_j) - \sum_k (p_k - y_k)\, p_k\Big)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`mse`.
    target : int or array_like of int
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient; it sums to 0 over the classes.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Notes
    -----
    With ``e_k`` the exponentials of one shift, ``r = sum_{k != t} e_k`` and
    ``T = e_t + r``, the gradient is

    * target: ``-(2/K) e_t (r**2 + sum_{k != t} e_k**2) / T**3``, all terms of
      one sign;
    * class ``j != t``: ``(2/K) e_j B_j / T**3`` with the bracket
      ``B_j = e_t (e_j + r) + sum_{k not in {t, j}} e_k (e_j - e_k)``, where
      ``e_j - e_k`` comes from ``expm1`` of the logit gap when the two are
      close, so every term is computed to full relative accuracy.

    The bracket is the only sum whose terms can have opposite signs: where an
    entry changes sign its exact value is small next to its terms, and float
    arithmetic loses digits in proportion to the condition number

    .. math:: \kappa_j = \frac{e_t (e_j + r) + \sum_{k \notin \{t, j\}} e_k |e_j - e_k|}{|B_j|}

    (about ``1e-16 * kappa_j`` relative). In float64, an entry of
    ``kappa_j > 1000`` whose exact value may be a normal number is computed
    again with the terms grouped as ``2 e_t e_j + sum_k e_k (e_t + e_j - e_k)``,
    which does not cancel where the target ties with a class far above ``j``;
    if that grouping cancels too, as it does near a sign change, the sample
    is recomputed in decimal arithmetic from the exact binary logits and
    rounded once. So every entry is within 1e-12 relative of the exact
    gradient wherever that is a normal number (tested against 400-digit
    arithmetic within an ulp of a sign change, where ``kappa`` reaches 1e15).
    Such samples are rare: ordinary input pays only for measuring ``kappa``.
    In float32 the bound is ``2e-5 * kappa_j``.

    Every entry carries the factor ``p_j``: where a class's probability
    underflows (a logit of -1000 beside logits near 0 gives ``p ~ 1e-435``),
    its gradient is exactly 0 in floating point, as the exact value rounds.

    Examples
    --------
    >>> from lossnotes import mse_grad
    >>> mse_grad([0.0, 0.0, -1000.0], 2)
    array([0., 0., 0.])
    >>> mse_grad([2.0, 0.0], 0)
    array([-0.02503108,  0.02503108])
    """
    return loss_and_grad("mse", logits, target)[1]


def mse_logits(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Mean squared error between the raw ``logits`` and the one-hot ``target``.

    .. math:: \frac{1}{K} \sum_k (z_k - y_k)^2

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`mse`.
    target : int or array_like of int
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (...)
        The loss; ``inf`` where a logit is ``-inf`` or the exact mean exceeds
        the largest float. Squares that overflow although the mean does not
        (logits near 1e154 and above in float64) are rescaled by the largest
        residual, so the mean stays finite and exact to a few ulp.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Examples
    --------
    >>> from lossnotes import mse_logits
    >>> float(mse_logits([1.0, 0.0, 0.0], 0))
    0.0
    >>> float(mse_logits([1.5e154, 0.0, 0.0], 1))
    7.500000000000001e+307
    """
    return loss_and_grad("mse_logits", logits, target)[0]


def mse_logits_grad(logits: ArrayLike, target: ArrayLike) -> np.ndarray:
    r"""Gradient of :func:`mse_logits`: ``(2/K) (z - y)``.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        As for :func:`mse`.
    target : int or array_like of int
        As for :func:`mse`.

    Returns
    -------
    ndarray, shape (..., K)
        The gradient; it grows linearly with the logits and never vanishes
        away from the target.

    Raises
    ------
    TypeError, ValueError
        As for :func:`loss_and_grad`.

    Examples
    --------
    >>> from lossnotes import mse_logits_grad
    >>> mse_logits_grad([3.0, 0.0, -1000.0], 0)
    array([   1.33333333,    0.        , -666.66666667])
    """
    return loss_and_grad("mse_logits", logits, target)[1]
