"""Float: build many points from trigonometry, normalise them and reduce to a maximum.

Stresses float objects, math calls and attribute access on small instances.
"""

from math import cos, sin, sqrt

N = 250_000


class Point:
    __slots__ = ("x", "y", "z")

    def __init__(self, i):
        self.x = x = sin(i)
        self.y = cos(i) * 3
        self.z = (x * x) / 2

    def normalise(self):
        norm = sqrt(self.x * self.x + self.y * self.y + self.z * self.z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    def take_max(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


def run(n):
    points = [Point(i) for i in range(n)]
    for p in points:
        p.normalise()
    best = points[0]
    for p in points[1:]:
        best = best.take_max(p)
    return f"{best.x:.12f} {best.y:.12f} {best.z:.12f}"
