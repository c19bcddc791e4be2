"""Send-rate control: a token bucket at the configured rate that halves and pauses when the
SMSC says ESME_RTHROTTLED / ESME_RMSGQFUL, and climbs back while it accepts."""


class Throttle:
    MAX_PAUSE = 5.0

    def __init__(self, rate: float, now: float):
        self.max_rate = max(0.1, rate)
        self.rate = self.max_rate
        self.capacity = max(1.0, self.max_rate / 10)
        self.tokens = self.capacity
        self.updated = now
        self.paused_until = 0.0
        self.pause = 0.0
        self.throttled_count = 0

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def available(self, now: float) -> int:
        if now < self.paused_until:
            return 0
        self._refill(now)
        return int(self.tokens)

    def consume(self, now: float, count: int = 1) -> None:
        self._refill(now)
        self.tokens -= count

    def wait(self, now: float) -> float:
        """Seconds until one more submit is allowed."""
        if now < self.paused_until:
            return self.paused_until - now
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def throttled(self, now: float) -> None:
        """The SMSC pushed back: half the rate, and a pause that grows while it keeps doing so."""
        self.throttled_count += 1
        self.rate = max(self.max_rate / 50, self.rate / 2)
        self.pause = min(self.MAX_PAUSE, max(0.1, self.pause * 2))
        self.paused_until = now + self.pause
        self.tokens = 0.0
        self.updated = now

    def accepted(self, count: int = 1) -> None:
        """Additive increase back towards the configured rate."""
        self.rate = min(self.max_rate, self.rate + self.max_rate * 0.02 * count)
        self.pause = max(0.0, self.pause / 2 if self.pause > 0.1 else 0.0)
