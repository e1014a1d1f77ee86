"""The pure core: records, money, the rules, totals and the timeline.

Data in, data out. Nothing here reads a file, prints, or knows a language: the other wings
(inputs, run, output) and the commands depend on it, never the reverse.
"""
