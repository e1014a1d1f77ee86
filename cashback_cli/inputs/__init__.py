"""Files to records: opening files, CSV and JSON rows, headers, values, policy files.

Problems with the input are collected as values (file, line, field, value, expected), never
raised at the first bad row; input files are only ever read.
"""
