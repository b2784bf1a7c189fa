"""JSON: dump and re-load a nested, mixed structure (dicts, lists, strings, ints, floats).

Exercises the json package's encoder and decoder, mostly their C accelerators.
"""

import json

N = 60


def make_document(seed):
    state = seed
    def rnd(k):
        nonlocal state
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        return state % k
    words = ["alpha", "beta", "gamma", "δέλτα", "epsilon", "zeta", "ēta", "theta", "iota \"k\"", "λ\n"]
    users = []
    for i in range(300):
        users.append({
            "id": i,
            "name": f"{words[rnd(10)]} {words[rnd(10)]}",
            "score": rnd(100_000) / 7.0,
            "active": bool(rnd(2)),
            "tags": [words[rnd(10)] for _ in range(rnd(6))],
            "history": [{"t": rnd(10**9), "v": rnd(1000) - 500, "ok": None if rnd(5) == 0 else True}
                        for _ in range(rnd(8))],
            "nested": {"a": {"b": {"c": [rnd(10) for _ in range(5)]}}},
        })
    return {"version": 3, "generated": "2024-01-01T00:00:00Z", "users": users,
            "index": {str(i): i * i for i in range(200)}}


def run(n):
    doc = make_document(42)
    total = 0
    text = ""
    for i in range(n):
        text = json.dumps(doc, sort_keys=(i % 2 == 0), indent=(2 if i % 3 == 0 else None))
        back = json.loads(text)
        total += len(text) + len(back["users"])
    assert back == doc
    compact = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    return (total, len(compact), compact[:40])
