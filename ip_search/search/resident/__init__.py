"""The resident index: a similar search's candidates from this process's memory.

A cold similar search on PostgreSQL costs about 3 ms of CPU, most of it reading and decoding a
hundred key postings and cards (1,000,000-mark benchmark register). Each app process can instead
hold the key postings, the texts' trigrams (``trigrams``) and the cards in memory (``index``),
loaded from the same tables in one consistent snapshot (``loading``) and replaced after every
import (``holder``). The backend (``backend``) answers similar searches from it when it is as
fresh as the register and the filters are classes, status and kind at most (``filters``);
everything else, and everything while it loads, goes to PostgreSQL, which finds the same
candidates (the backend contract suite runs against both).
"""
