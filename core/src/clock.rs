//! Culvert's suspend-aware clock: time asleep counts (CLOCK_BOOTTIME / mach_continuous_time).
