"""A pystone-like integer/record workload, written for this suite.

Each iteration shuffles a few small records between procedures, compares short
strings, indexes flat and nested lists and does a little integer arithmetic:
the mix of attribute access, calls and branches that the classic Dhrystone
family measures.
"""

N = 250_000

IDENT = ("alpha", "bravo", "charlie", "delta", "echo")


class Record:
    __slots__ = ("link", "kind", "count", "label")

    def __init__(self, link=None, kind=0, count=0, label=""):
        self.link = link
        self.kind = kind
        self.count = count
        self.label = label

    def copy_from(self, other):
        self.link = other.link
        self.kind = other.kind
        self.count = other.count
        self.label = other.label


class State:
    def __init__(self):
        self.flag = False
        self.letter = "A"
        self.total = 0
        self.row = [0] * 51
        self.grid = [[0] * 51 for _ in range(51)]
        self.tail = Record(None, 2, 40, "tail record")
        self.head = Record(self.tail, 0, 17, "head record")


def classify(value, state):
    if value < 3:
        return IDENT[value]
    if state.letter == "B":
        return IDENT[4]
    return IDENT[(value * 7) % 5]


def bump(rec, state):
    nxt = rec.link
    if nxt is not None and nxt.kind == 0:
        nxt.copy_from(rec)
    rec.count = (rec.count + state.total) % 1000
    if rec.kind == 0:
        rec.kind = 1
        rec.label = classify(rec.count % 5, state)
    else:
        rec.kind = 0
    return rec.count


def fill(state, i, value):
    row = state.row
    grid = state.grid
    base = i % 40 + 5
    row[base] = value
    row[base + 1] = row[base]
    row[base + 6] = base
    for j in range(base, base + 2):
        grid[base][j] = base
    grid[base][base - 1] += 1
    grid[base + 5][base] = row[base]
    return grid[base][base - 1]


def compare(a, b):
    if a == b:
        return 0
    return -1 if a < b else 1


def step(state, i):
    one, two = 2, 3
    s1 = "DHRY-LIKE, 1'ST STRING"
    s2 = "DHRY-LIKE, 2'ND STRING" if i & 1 else "DHRY-LIKE, 1'ST STRING"
    state.flag = compare(s1, s2) != 0
    three = 0
    while one < two:
        three = 5 * one - two
        one += 1
    three = fill(state, i, three)
    c = "A"
    while c <= state.letter:
        if classify(ord(c) - 65, state) == "charlie":
            state.letter = "C"
        c = chr(ord(c) + 1)
    state.letter = "B" if state.flag and i % 3 == 0 else "A"
    two = two * one
    one = two // (three or 1)
    state.total = (state.total + bump(state.head, state) + one) % 100_000
    if state.head.link is None:
        state.head.link = state.tail
    return one


def run(n):
    state = State()
    acc = 0
    for i in range(n):
        acc = (acc * 31 + step(state, i)) & 0xFFFFFFFF
    return (acc, state.total, state.letter, state.head.label, sum(state.row), state.grid[8][7])
