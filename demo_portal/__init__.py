"""The built-in demo portal for Thái Nguyên: a deterministic simulated one-stop system.

`catalogue` holds the agencies and procedures the portal serves; `simulation` holds the
dossiers' lifecycles and what the portal shows of them at a given moment. Both are pure
functions of a seed (and a year), calibrated so that the figures Thái Nguyên published
for 1 January – 20 October 2023 (DESIGN.md §6) come out exactly.
"""
