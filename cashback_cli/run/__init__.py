"""Records through the rules: one call per command, streaming orders, disputes indexed once,
big files on every core, and the checks that span records (duplicates, orphan disputes).
"""
