"""A default scheme in the shape many 12345 centres publish (满意率 weighs most, then 按时办结;
退单/重办 as "lower is better" rates; 督办 deducts, 表扬 adds): the demo's, and a starting point
an administrator copies and edits. Percent thresholds; weights of the linear rules sum to 100."""

DEFAULT_NAME = "12345热线承办单位月度考核（默认）"
DEFAULT_INDICATORS = [
    # code, rule, weight, lower, upper, per_event, cap
    ("sign_rate", "linear", 10, 80, 100, None, None),
    ("on_time_rate", "linear", 20, 70, 100, None, None),
    ("closure_rate", "linear", 15, 70, 100, None, None),
    ("satisfaction_rate", "linear", 30, 60, 100, None, None),
    ("resolution_rate", "linear", 15, 50, 100, None, None),
    ("return_rate", "linear", 5, 0, 20, None, None),
    ("reopen_rate", "linear", 5, 0, 20, None, None),
    ("extension_rate", "deduct", 0, None, None, "0.2", 3),
    ("supervised", "deduct", 0, None, None, 1, 5),
    ("praised", "bonus", 0, None, None, "0.5", 3),
]
