"""Map projections: Lambert-93 for metropolitan France, a local one for overseas.

Metropolitan France (Corsica included) is drawn in **Lambert-93** (EPSG:2154), the
official projection of French maps (IGN): a Lambert conformal conic on the GRS80
ellipsoid with standard parallels 44°N and 49°N, origin 46°30'N 3°E, false easting
700 000 m and false northing 6 600 000 m. It is conformal (shapes are kept locally)
and its scale error stays within -0.1 % and +0.3 % across the mainland, so
distances measured on the map are true to well under 1 %.

Each overseas region (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte) is drawn
in its own inset with a **local equirectangular** projection centred on the
region: x = R·(λ - λ0)·cos φ0, y = R·(φ - φ0), in metres. Over the few hundred
kilometres of an overseas region this is within 1 % of true distances.

Pure functions of the standard library; y grows northwards (maps flip it).
"""

from __future__ import annotations

import math

# GRS80 ellipsoid (used by RGF93, the datum of Lambert-93).
GRS80_A = 6378137.0
GRS80_F = 1 / 298.257222101
_E = math.sqrt(GRS80_F * (2 - GRS80_F))
EARTH_RADIUS_M = 6371008.8  # IUGG mean radius, as in geography.distance_km


def _m(phi: float) -> float:
    return math.cos(phi) / math.sqrt(1 - (_E * math.sin(phi)) ** 2)


def _t(phi: float) -> float:
    sin = _E * math.sin(phi)
    ratio: float = ((1 - sin) / (1 + sin)) ** (_E / 2)
    return math.tan(math.pi / 4 - phi / 2) / ratio


_PHI1, _PHI2 = math.radians(44.0), math.radians(49.0)
_PHI0, _LAMBDA0 = math.radians(46.5), math.radians(3.0)
_X0, _Y0 = 700000.0, 6600000.0
_N = (math.log(_m(_PHI1)) - math.log(_m(_PHI2))) / (
    math.log(_t(_PHI1)) - math.log(_t(_PHI2))
)
_AF = GRS80_A * _m(_PHI1) / (_N * _t(_PHI1) ** _N)
_RHO0 = _AF * _t(_PHI0) ** _N


def lambert93(lat: float, lon: float) -> tuple[float, float]:
    """Lambert-93 easting and northing in metres of a WGS84/RGF93 point."""
    rho = _AF * _t(math.radians(lat)) ** _N
    theta = _N * (math.radians(lon) - _LAMBDA0)
    return _X0 + rho * math.sin(theta), _Y0 + _RHO0 - rho * math.cos(theta)


def lambert93_inverse(x: float, y: float) -> tuple[float, float]:
    """Latitude and longitude of a Lambert-93 point (iterative, to 1e-11 rad)."""
    dx, dy = x - _X0, _RHO0 - (y - _Y0)
    rho = math.copysign(math.hypot(dx, dy), _N)
    theta = math.atan2(dx, dy)
    t = (rho / _AF) ** (1 / _N)
    phi = math.pi / 2 - 2 * math.atan(t)
    for _ in range(20):
        sin = _E * math.sin(phi)
        nxt = math.pi / 2 - 2 * math.atan(t * ((1 - sin) / (1 + sin)) ** (_E / 2))
        if abs(nxt - phi) < 1e-11:
            phi = nxt
            break
        phi = nxt
    return math.degrees(phi), math.degrees(theta / _N + _LAMBDA0)


class LocalProjection:
    """Equirectangular projection centred on (lat0, lon0), in metres."""

    __slots__ = ("cos0", "lat0", "lon0")

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0, self.lon0 = lat0, lon0
        self.cos0 = math.cos(math.radians(lat0))

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        x = math.radians(lon - self.lon0) * self.cos0 * EARTH_RADIUS_M
        return x, math.radians(lat - self.lat0) * EARTH_RADIUS_M

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        lat = self.lat0 + math.degrees(y / EARTH_RADIUS_M)
        return lat, self.lon0 + math.degrees(x / (EARTH_RADIUS_M * self.cos0))
