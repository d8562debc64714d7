"""The pure core of salesflow: state machines, money and numbering rules.

Nothing here reads files, the clock or the terminal: the shell passes `today`, `now` and new
numbers in, and saves what the functions return.
"""
