//! The panic barrier: no panic crosses the FFI, it becomes a typed `Internal` error.
//!
//! UniFFI already turns a panic in an exported function into a generic
//! `InternalException`; [`guard`] catches it first so that Kotlin and Swift see
//! the area's own error type (`ConfigException.Internal`, `TunnelException.Internal`, ...).
//! Foreign calls into Kotlin/Swift go through [`CallbackError`] so that a
//! throwing callback is an error value, never a Rust panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Implemented by every public error enum that has an `Internal { detail }` case.
pub trait Internal {
    /// The error reported when Culvert itself failed (a bug, never bad input).
    fn internal(detail: String) -> Self;
}

/// The text of a panic payload, for an `Internal` error's `detail`.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// Runs `f`, turning a panic into `E::internal(..)`.
pub(crate) fn guard<T, E: Internal>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = panic_text(payload.as_ref());
            log::error!(target: "culvert::ffi", "internal error (panic) caught at the FFI edge: {detail}");
            Err(E::internal(format!("internal error: {detail}")))
        }
    }
}

/// Runs a foreign callback, turning both a thrown exception and a Rust panic
/// into a logged error; returns `None` when the callback failed.
#[allow(dead_code)] // used by the tunnel's foreign hooks
pub(crate) fn call_foreign<T>(
    what: &str,
    f: impl FnOnce() -> Result<T, CallbackError>,
) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Some(value),
        Ok(Err(err)) => {
            log::warn!(target: "culvert::ffi", "{what} callback failed: {err}");
            None
        }
        Err(payload) => {
            log::error!(target: "culvert::ffi", "{what} callback panicked: {}", panic_text(payload.as_ref()));
            None
        }
    }
}

/// What a foreign callback (Kotlin/Swift) may throw back into Culvert.
///
/// Implementations may throw `CallbackException.Failed` with a reason; any other
/// exception arrives here as `Unexpected`. Either way Culvert logs it and goes on
/// (a failed `protect` fails that socket, a failed resolve retries later).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CallbackError {
    /// The callback reported a failure.
    #[error("{detail}")]
    Failed {
        /// Why, in words.
        detail: String,
    },
    /// The callback threw something other than `CallbackException`.
    #[error("unexpected foreign exception: {detail}")]
    Unexpected {
        /// The foreign exception's text.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for CallbackError {
    fn from(err: uniffi::UnexpectedUniFFICallbackError) -> Self {
        CallbackError::Unexpected { detail: err.reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct E(String);

    impl Internal for E {
        fn internal(detail: String) -> Self {
            E(detail)
        }
    }

    #[test]
    fn a_panic_becomes_the_areas_internal_error() {
        let r: Result<(), E> = guard(|| panic!("boom {}", 42));
        assert_eq!(r, Err(E("internal error: boom 42".into())));
        let r: Result<u8, E> = guard(|| Ok(7));
        assert_eq!(r, Ok(7));
    }

    #[test]
    fn a_failing_or_panicking_callback_is_none() {
        assert_eq!(call_foreign("t", || Ok::<_, CallbackError>(1)), Some(1));
        let failed = call_foreign::<u8>("t", || {
            Err(CallbackError::Failed {
                detail: "no".into(),
            })
        });
        assert_eq!(failed, None);
        assert_eq!(call_foreign::<u8>("t", || panic!("inside")), None);
        let unexpected: CallbackError =
            uniffi::UnexpectedUniFFICallbackError::new("IllegalStateException").into();
        assert!(matches!(unexpected, CallbackError::Unexpected { .. }));
    }
}
