//! Network settings a platform tunnel must apply, derived from a [`crate::config::Config`].
