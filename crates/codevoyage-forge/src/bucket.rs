//! A token bucket: at most `burst` requests at once, refilled continuously at the hourly rate.
//!
//! Time is passed in, so the arithmetic is tested without clocks or sleeps.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct TokenBucket {
    capacity: f64,
    tokens: f64,
    per_second: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket of `burst` tokens (at least one) refilled at `per_hour` tokens an hour
    /// (at least one).
    pub fn new(per_hour: u32, burst: u32, now: Instant) -> Self {
        let capacity = f64::from(burst.max(1));
        Self {
            capacity,
            tokens: capacity,
            per_second: f64::from(per_hour.max(1)) / 3600.0,
            last: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.last = self.last.max(now);
    }

    /// Takes a token, or says how long until one is there.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let missing = 1.0 - self.tokens;
            Err(Duration::from_secs_f64(missing / self.per_second))
        }
    }

    /// Never hold more tokens than the server says are left (other clients with the same
    /// token spend from the same budget).
    pub fn limit_to(&mut self, remaining: u64, now: Instant) {
        self.refill(now);
        // u64 → f64 loses precision only far above any real budget.
        self.tokens = self.tokens.min(remaining as f64);
    }

    /// Whole tokens available now.
    pub fn available(&mut self, now: Instant) -> u64 {
        self.refill(now);
        // Non-negative and at most the capacity (a u32).
        self.tokens.floor().max(0.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_hourly_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(3600, 5, t0);
        for _ in 0..5 {
            assert_eq!(b.try_take(t0), Ok(()));
        }
        let wait = b.try_take(t0).err().unwrap_or_default();
        assert!(
            wait > Duration::from_millis(999) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert_eq!(b.try_take(t0 + Duration::from_secs(1)), Ok(()));
        assert!(b.try_take(t0 + Duration::from_secs(1)).is_err());
    }

    #[test]
    fn never_more_than_burst_plus_rate_over_an_hour() {
        // 5,000 an hour with a burst of 100, asked every 100 ms for an hour.
        let t0 = Instant::now();
        let mut b = TokenBucket::new(5_000, 100, t0);
        let mut granted = 0u64;
        for step in 0..=36_000u64 {
            let now = t0 + Duration::from_millis(step * 100);
            if b.try_take(now).is_ok() {
                granted += 1;
            }
        }
        assert!(granted <= 5_100, "{granted}");
        assert!(
            granted >= 5_090,
            "the budget is used, not wasted: {granted}"
        );
    }

    #[test]
    fn follows_the_servers_remaining_count_down_only() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(5_000, 100, t0);
        b.limit_to(2, t0);
        assert_eq!(b.available(t0), 2);
        b.limit_to(50, t0);
        assert_eq!(b.available(t0), 2, "a higher count does not add tokens");
        assert!(b.try_take(t0).is_ok() && b.try_take(t0).is_ok());
        assert!(b.try_take(t0).is_err());
    }

    #[test]
    fn a_clock_going_backwards_takes_nothing_and_gives_nothing() {
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(10);
        let mut b = TokenBucket::new(3600, 1, later);
        assert!(b.try_take(later).is_ok());
        assert!(b.try_take(t0).is_err());
        assert!(b.try_take(later + Duration::from_secs(1)).is_ok());
    }
}
