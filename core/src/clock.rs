//! Culvert's suspend-aware clock: time asleep counts (CLOCK_BOOTTIME / mach_continuous_time).
//!
//! [`Instant`] is the only notion of time in Culvert. `proto` never reads it: time
//! comes in as a parameter. Only `runtime` (and tests) call [`Instant::now`].
//!
//! | platform          | source                                   | counts suspend |
//! |-------------------|------------------------------------------|----------------|
//! | Linux, Android    | `clock_gettime(CLOCK_BOOTTIME)`          | yes            |
//! | iOS, macOS, tvOS  | `mach_continuous_time()` × timebase      | yes            |
//! | anything else     | `std::time::Instant`                     | platform's     |
//!
//! Culvert's patched boringtun takes this time as a parameter (`*_at`, see
//! DESIGN.md "Patched boringtun"): there is no second clock, and in-memory tests
//! drive time by hand with [`Instant::from_duration`] in the normal build.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};
use std::time::Duration;

/// A point in time on Culvert's suspend-aware monotonic clock.
///
/// Internally the time elapsed since an arbitrary origin (boot on Linux). Arithmetic
/// saturates instead of panicking: `earlier - later` is zero.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Duration);

impl Instant {
    /// The current time. Only the runtime and tests call this; `proto` takes time as a parameter.
    pub fn now() -> Instant {
        Instant(imp::now())
    }

    /// An instant at `since_origin` after the clock's origin (for tests and fuzzing,
    /// which drive time by hand).
    pub const fn from_duration(since_origin: Duration) -> Instant {
        Instant(since_origin)
    }

    /// Time since the clock's origin.
    pub const fn as_duration(self) -> Duration {
        self.0
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    /// Time from `earlier` to `self`, `None` if `earlier` is later.
    pub fn checked_duration_since(self, earlier: Instant) -> Option<Duration> {
        self.0.checked_sub(earlier.0)
    }

    /// `self + d`, `None` on overflow.
    pub fn checked_add(self, d: Duration) -> Option<Instant> {
        self.0.checked_add(d).map(Instant)
    }

    /// `self - d`, `None` if that is before the origin.
    pub fn checked_sub(self, d: Duration) -> Option<Instant> {
        self.0.checked_sub(d).map(Instant)
    }

    /// Time elapsed since `self` (reads the clock).
    pub fn elapsed(self) -> Duration {
        Instant::now().saturating_duration_since(self)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d))
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        self.0 = self.0.saturating_add(d);
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, d: Duration) -> Instant {
        Instant(self.0.saturating_sub(d))
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({:.3}s)", self.0.as_secs_f64())
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod imp {
    use std::time::Duration;
    pub(super) fn now() -> Duration {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; CLOCK_BOOTTIME exists on every
        // Linux since 2.6.39 and on every Android.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
        if rc != 0 {
            // Cannot happen on a supported kernel; fall back to the monotonic clock
            // rather than panicking.
            // SAFETY: as above.
            unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        }
        Duration::new(
            ts.tv_sec.max(0) as u64,
            ts.tv_nsec.clamp(0, 999_999_999) as u32,
        )
    }
}

#[cfg(any(
    target_os = "ios",
    target_os = "macos",
    target_os = "tvos",
    target_os = "watchos",
    target_os = "visionos"
))]
mod imp {
    use std::sync::OnceLock;
    use std::time::Duration;

    #[repr(C)]
    struct MachTimebaseInfo {
        numer: u32,
        denom: u32,
    }

    extern "C" {
        // Like mach_absolute_time, but keeps counting while the device sleeps.
        fn mach_continuous_time() -> u64;
        fn mach_timebase_info(info: *mut MachTimebaseInfo) -> i32;
    }

    fn timebase() -> (u32, u32) {
        static TIMEBASE: OnceLock<(u32, u32)> = OnceLock::new();
        *TIMEBASE.get_or_init(|| {
            let mut info = MachTimebaseInfo { numer: 0, denom: 0 };
            // SAFETY: `info` is a valid, writable struct of the layout mach expects.
            let rc = unsafe { mach_timebase_info(&mut info) };
            if rc != 0 || info.numer == 0 || info.denom == 0 {
                (1, 1)
            } else {
                (info.numer, info.denom)
            }
        })
    }

    pub(super) fn now() -> Duration {
        // SAFETY: no arguments, no preconditions.
        let ticks = unsafe { mach_continuous_time() };
        let (numer, denom) = timebase();
        let nanos = (ticks as u128 * numer as u128 / denom as u128).min(u64::MAX as u128) as u64;
        Duration::from_nanos(nanos)
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "ios",
    target_os = "macos",
    target_os = "tvos",
    target_os = "watchos",
    target_os = "visionos"
)))]
mod imp {
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};
    pub(super) fn now() -> Duration {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        // Offset so that the first reading is not zero.
        Duration::from_secs(1_000_000) + ORIGIN.get_or_init(Instant::now).elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_monotonic() {
        let a = Instant::now();
        let b = Instant::now();
        assert!(b >= a);
    }

    #[test]
    fn arithmetic_saturates() {
        let a = Instant::from_duration(Duration::from_secs(5));
        let b = a + Duration::from_secs(3);
        assert_eq!(b - a, Duration::from_secs(3));
        assert_eq!(a - b, Duration::ZERO);
        assert_eq!(a.checked_duration_since(b), None);
        assert_eq!(
            a - Duration::from_secs(10),
            Instant::from_duration(Duration::ZERO)
        );
    }
}
