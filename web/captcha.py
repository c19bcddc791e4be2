"""A self-made arithmetic captcha for the public portal (no outside service).

The question ("7 + 5 = ?") is drawn as jittered seven-segment strokes with noise
lines in an SVG, so it is not text a bot can read from the page; the answer is
kept only as a salted hash in the session and is good for one try and ten minutes.
"""
import base64
import hashlib
import random
import secrets
import time

SESSION_KEY = "portal_captcha"
LIFETIME_SECONDS = 600

# Segments a-g of a seven-segment digit as (x1, y1, x2, y2) in a 20×36 cell.
_SEGMENTS = {
    "a": (3, 2, 17, 2), "b": (17, 2, 17, 18), "c": (17, 18, 17, 34), "d": (3, 34, 17, 34),
    "e": (3, 18, 3, 34), "f": (3, 2, 3, 18), "g": (3, 18, 17, 18),
}
_DIGITS = {
    "0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc", "5": "afgcd",
    "6": "afgedc", "7": "abc", "8": "abcdefg", "9": "abcdfg",
}
_SYMBOLS = {"+": [(3, 18, 17, 18), (10, 11, 10, 25)], "-": [(3, 18, 17, 18)],
            "=": [(3, 14, 17, 14), (3, 22, 17, 22)], "?": [(4, 6, 16, 4), (16, 4, 16, 16), (16, 16, 10, 22),
                                                         (10, 22, 10, 26), (10, 31, 10, 34)]}


def _strokes(char: str) -> list[tuple]:
    if char in _DIGITS:
        return [_SEGMENTS[s] for s in _DIGITS[char]]
    return _SYMBOLS.get(char, [])


def render_svg(text: str, rng: random.Random) -> str:
    width, height = 34 * len(text) + 20, 56
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#f4f6f8"/>']
    for _ in range(6):
        x1, y1, x2, y2 = rng.randint(0, width), rng.randint(0, height), rng.randint(0, width), rng.randint(0, height)
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#9aa5b1" stroke-width="1"/>')
    for i, char in enumerate(text):
        ox, oy = 12 + 34 * i + rng.randint(-2, 2), 9 + rng.randint(-3, 3)
        color = rng.choice(["#1f3a5f", "#7a1f1f", "#1f5f3a", "#4a2f6b"])
        for x1, y1, x2, y2 in _strokes(char):
            j = lambda v: v + rng.uniform(-1.2, 1.2)  # noqa: E731 - a tiny local jitter
            parts.append(f'<line x1="{ox + j(x1):.1f}" y1="{oy + j(y1):.1f}" x2="{ox + j(x2):.1f}" '
                         f'y2="{oy + j(y2):.1f}" stroke="{color}" stroke-width="3" stroke-linecap="round"/>')
    parts.append("</svg>")
    return "".join(parts)


def _digest(salt: str, answer: str) -> str:
    return hashlib.sha256(f"{salt}:{answer.strip()}".encode()).hexdigest()


def _question(seed: int) -> tuple[str, str, random.Random]:
    """The question, its answer and the generator that goes on to draw it, all from one seed."""
    rng = random.Random(seed)
    a, b = rng.randint(2, 9), rng.randint(1, 9)
    op = rng.choice("+-")
    if op == "-" and b > a:
        a, b = b, a
    return f"{a}{op}{b}=?", str(a + b if op == "+" else a - b), rng


def _image(seed: int) -> str:
    text, _, rng = _question(seed)
    return "data:image/svg+xml;base64," + base64.b64encode(render_svg(text, rng).encode()).decode()


def new_challenge(request) -> str:
    """Store a fresh question in the session; return it as a data: URL for an <img>."""
    seed = secrets.randbits(64)
    _, answer, _ = _question(seed)
    salt = secrets.token_hex(8)
    # The seed redraws the same picture when a refresh is refused (current_image); sessions are
    # kept on the server, so it is as private there as the digest.
    request.session[SESSION_KEY] = {"salt": salt, "digest": _digest(salt, answer), "seed": seed,
                                    "expires": time.time() + LIFETIME_SECONDS}
    return _image(seed)


def current_image(request) -> str | None:
    """The question the session holds now, drawn again; None when there is none still valid."""
    stored = request.session.get(SESSION_KEY)
    if not stored or "seed" not in stored or time.time() > stored.get("expires", 0):
        return None
    return _image(stored["seed"])


def check(request, answer: str) -> bool:
    """True when `answer` solves the current question. Each question allows one try."""
    stored = request.session.pop(SESSION_KEY, None)
    if not stored or time.time() > stored.get("expires", 0):
        return False
    return secrets.compare_digest(stored["digest"], _digest(stored["salt"], answer or ""))


