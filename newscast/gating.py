"""BS.1770's gates over 100 ms step energies, in plain Python.

An episode stitched from cached pieces is measured from the K-weighted step energies stored with each piece,
placed where the piece plays, with silence between: no meter runs over the stream, and numpy is not loaded.
loudness.py computes the step energies; this module only adds them up and gates them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
BLOCK_SECONDS = 0.4
STEP_SECONDS = 0.1
STEPS_PER_BLOCK = round(BLOCK_SECONDS / STEP_SECONDS)
STEREO_OFFSET_DB = 10 * math.log10(2)  # BS.1770 adds the channels: the same signal in two measures 3 dB louder


def power_lufs(power: float) -> float:
    """The loudness of a mean square of the K-weighted signal (one block's, or a whole stretch's)."""
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def gated_loudness(powers: Iterable[float]) -> float:
    """BS.1770's two gates over block powers -> LUFS (-inf when every block is below the absolute gate)."""
    loud = [power for power in map(float, powers) if power_lufs(power) > ABSOLUTE_GATE]
    if not loud:
        return -math.inf
    relative = power_lufs(sum(loud) / len(loud)) + RELATIVE_GATE
    kept = [power for power in loud if power_lufs(power) > relative]
    return power_lufs(sum(kept) / len(kept))


def block_powers(steps: Sequence[float], step: int) -> list[float]:
    """Mean square in each 400 ms block (blocks every 100 ms) from the energy of each 100 ms step of ``step``
    samples; none when there are fewer steps than one block."""
    steps = [float(energy) for energy in steps]
    size = STEPS_PER_BLOCK * step
    return [sum(steps[first : first + STEPS_PER_BLOCK]) / size for first in range(len(steps) - STEPS_PER_BLOCK + 1)]


class StepGrid:
    """Step energies of stretches of audio placed at sample offsets, added onto one grid of ``step`` samples.

    A stretch's steps start at its own first sample; each is shared between the two grid steps it overlaps, in
    proportion (the error is a fraction of a step's energy moved by less than a step: hundredths of a LU).
    """

    def __init__(self, step: int) -> None:
        self.step = step
        self.energies: list[float] = []

    def place(self, offset: int, energies: Sequence[float]) -> None:
        grid, into = divmod(offset, self.step)
        share = 1 - into / self.step
        needed = grid + len(energies) + 1
        if len(self.energies) < needed:
            self.energies.extend([0.0] * (needed - len(self.energies)))
        for index, energy in enumerate(energies):
            self.energies[grid + index] += energy * share
            self.energies[grid + index + 1] += energy * (1 - share)

    def loudness(self) -> float:
        return gated_loudness(block_powers(self.energies, self.step))
