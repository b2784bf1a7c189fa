"""Regex: a few typical patterns (tokens, dates, e-mail addresses, a substitution)
over generated text. Exercises the re module's compiler cache and its matching engine.
"""

import re

N = 12

SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ra", "to", "vi", "qu", "ex", "an", "or"]
DOMAINS = ["example.org", "mail.test", "uni.example.edu"]


def make_text(lines, seed=7):
    state = seed
    def rnd(k):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return (state >> 33) % k
    out = []
    for i in range(lines):
        words = []
        for _ in range(4 + rnd(10)):
            w = "".join(SYLLABLES[rnd(12)] for _ in range(1 + rnd(3)))
            if rnd(9) == 0:
                w = w.capitalize()
            words.append(w)
        if rnd(4) == 0:
            words.append(f"{1990 + rnd(40)}-{1 + rnd(12):02d}-{1 + rnd(28):02d}")
        if rnd(5) == 0:
            words.append(f"{words[0].lower()}.{rnd(100)}@{DOMAINS[rnd(3)]}")
        if rnd(6) == 0:
            words.append(f"#{rnd(1 << 24):06x}")
        out.append(" ".join(words) + ("." if rnd(2) else "!"))
    return "\n".join(out)


PATTERNS = {
    "word": r"\b[a-z]+\b",
    "capital": r"\b[A-Z][a-z]{2,}\b",
    "date": r"(\d{4})-(\d{2})-(\d{2})",
    "email": r"[\w.+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}",
    "colour": r"#[0-9a-f]{6}\b",
    "vowelrun": r"(?:[aeiou][^aeiou\s]){3,}",
}


def run(n):
    text = make_text(2000)
    counts = dict.fromkeys(PATTERNS, 0)
    years = 0
    subst_len = 0
    for i in range(n):
        for name, pat in PATTERNS.items():
            counts[name] += len(re.findall(pat, text))
        for m in re.finditer(PATTERNS["date"], text):
            years += int(m.group(1))
        out = re.sub(r"(\w+)@(\S+)", lambda m: m.group(2) + "!" + m.group(1), text)
        subst_len += len(out)
        re.purge() if i % 4 == 3 else None
    lines = sum(1 for line in text.splitlines() if re.match(r"^[a-z]+ \w+", line, re.I))
    return (tuple(sorted(counts.items())), years, subst_len, lines)
