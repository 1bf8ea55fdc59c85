"""Units and shapes → PDF path operators (points, 2×3 matrices, circles, stars)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

MM = 72.0 / 25.4
"""Points per millimetre."""

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# Cubic Bézier handle length for a quarter circle.
_KAPPA = 4.0 * (math.sqrt(2.0) - 1.0) / 3.0


def mm(value: float) -> float:
    """Millimetres → points."""
    return value * MM


def to_mm(value: float) -> float:
    """Points → millimetres."""
    return value / MM


def num(value: float) -> str:
    """A compact PDF number (at most 3 decimals, no trailing zeros)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def multiply(a: Matrix, b: Matrix) -> Matrix:
    """The matrix that applies ``a`` first, then ``b`` (PDF row-vector convention)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """Transform the point (x, y) by ``m``."""
    return (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])


def rotation(angle_rad: float) -> Matrix:
    c, s = math.cos(angle_rad), math.sin(angle_rad)
    return (c, s, -s, c, 0.0, 0.0)


def cm(m: Matrix) -> str:
    """The ``cm`` operator for ``m``."""
    return " ".join(num(v) for v in m) + " cm"


def circle_path(cx: float, cy: float, r: float) -> str:
    """A closed circle as four cubic Bézier arcs (counter-clockwise)."""
    k = _KAPPA * r
    return "\n".join(
        [
            f"{num(cx + r)} {num(cy)} m",
            f"{num(cx + r)} {num(cy + k)} {num(cx + k)} {num(cy + r)} {num(cx)} {num(cy + r)} c",
            f"{num(cx - k)} {num(cy + r)} {num(cx - r)} {num(cy + k)} {num(cx - r)} {num(cy)} c",
            f"{num(cx - r)} {num(cy - k)} {num(cx - k)} {num(cy - r)} {num(cx)} {num(cy - r)} c",
            f"{num(cx + k)} {num(cy - r)} {num(cx + r)} {num(cy - k)} {num(cx + r)} {num(cy)} c",
            "h",
        ]
    )


def polygon_path(points: Sequence[tuple[float, float]]) -> str:
    """A closed polygon through ``points``."""
    first, *rest = points
    ops = [f"{num(first[0])} {num(first[1])} m"]
    ops.extend(f"{num(x)} {num(y)} l" for x, y in rest)
    ops.append("h")
    return "\n".join(ops)


def star_points(cx: float, cy: float, r_outer: float) -> list[tuple[float, float]]:
    """The ten corners of a regular five-pointed star with one point straight up."""
    # Inner radius of a regular pentagram: r·sin 18° / sin 54°.
    r_inner = r_outer * math.sin(math.radians(18)) / math.sin(math.radians(54))
    points = []
    for i in range(10):
        angle = math.radians(90 + 36 * i)
        r = r_outer if i % 2 == 0 else r_inner
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def wobbly_circle(
    cx: float, cy: float, r: float, offsets: Iterable[float]
) -> list[tuple[float, float]]:
    """A closed polyline approximating a circle whose radius varies by ``offsets`` (ink wear)."""
    radii = [r + d for d in offsets]
    n = len(radii)
    return [
        (cx + rad * math.cos(2 * math.pi * i / n), cy + rad * math.sin(2 * math.pi * i / n))
        for i, rad in enumerate(radii)
    ]
