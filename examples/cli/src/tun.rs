//! Linux TUN device creation (`/dev/net/tun` + `ioctl(TUNSETIFF)`).
//!
//! The device is non-persistent: it disappears when the last file descriptor
//! on it is closed, so the tunnel closing its fd on stop removes the interface.

use std::ffi::CStr;
use std::fmt;
use std::fs::OpenOptions;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;

/// Linux `IFNAMSIZ` (including the terminating NUL).
const IFNAMSIZ: usize = 16;
const IFF_TUN: libc::c_short = 0x0001;
const IFF_NO_PI: libc::c_short = 0x1000;
/// `_IOW('T', 202, int)`.
const TUNSETIFF: libc::c_ulong = 0x4004_54ca;

/// `struct ifreq` as far as `TUNSETIFF` uses it (name + flags, padded to 40 bytes).
#[repr(C)]
struct IfReq {
    name: [libc::c_char; IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

/// Why a TUN device could not be created.
#[derive(Debug)]
pub enum TunError {
    /// The interface name is empty, too long or has characters Linux rejects.
    InvalidName(String),
    /// `/dev/net/tun` does not exist (no TUN support, or not inside a container that exposes it).
    NoTunDevice,
    /// Opening `/dev/net/tun` or `TUNSETIFF` was refused (needs root / CAP_NET_ADMIN).
    PermissionDenied,
    /// Any other OS error, with the step that failed.
    Os(&'static str, std::io::Error),
}

impl fmt::Display for TunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TunError::InvalidName(name) => write!(
                f,
                "invalid interface name {name:?}: 1 to 15 characters of letters, digits, '-', '_', '.'"
            ),
            TunError::NoTunDevice => write!(
                f,
                "/dev/net/tun does not exist: this kernel or container has no TUN support \
                 (try `modprobe tun`, or run the container with --device /dev/net/tun)"
            ),
            TunError::PermissionDenied => write!(
                f,
                "creating a TUN device was refused: run as root (or with CAP_NET_ADMIN)"
            ),
            TunError::Os(step, err) => write!(f, "{step}: {err}"),
        }
    }
}

/// Checks an interface name as Linux and `wg` accept it.
pub fn validate_name(name: &str) -> Result<(), TunError> {
    let ok = !name.is_empty()
        && name.len() < IFNAMSIZ
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(TunError::InvalidName(name.to_string()))
    }
}

/// A created TUN device: its fd (raw IP packets, no packet-info header) and its actual name.
pub struct Tun {
    /// The device fd; hand it to the tunnel, which closes it on stop.
    pub fd: OwnedFd,
    /// The interface name the kernel gave (the one asked for).
    pub name: String,
}

/// Creates the TUN interface `name` (`IFF_TUN | IFF_NO_PI`, close-on-exec).
pub fn create(name: &str) -> Result<Tun, TunError> {
    validate_name(name)?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_CLOEXEC)
        .open("/dev/net/tun")
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => TunError::NoTunDevice,
            std::io::ErrorKind::PermissionDenied => TunError::PermissionDenied,
            _ => TunError::Os("open /dev/net/tun", err),
        })?;
    let mut req = IfReq {
        name: [0; IFNAMSIZ],
        flags: IFF_TUN | IFF_NO_PI,
        _pad: [0; 22],
    };
    for (dst, src) in req.name.iter_mut().zip(name.bytes()) {
        *dst = src as libc::c_char;
    }
    // SAFETY: `file` is an open /dev/net/tun descriptor and `req` is a valid,
    // properly sized `struct ifreq` that lives across the call.
    let rc = unsafe { libc::ioctl(file.as_raw_fd(), TUNSETIFF as _, &mut req as *mut IfReq) };
    if rc < 0 {
        let err = std::io::Error::last_os_error();
        return Err(match err.raw_os_error() {
            Some(libc::EPERM) | Some(libc::EACCES) => TunError::PermissionDenied,
            Some(libc::EBUSY) => TunError::Os("TUNSETIFF (interface name already in use)", err),
            _ => TunError::Os("TUNSETIFF", err),
        });
    }
    // SAFETY: the kernel NUL-terminates the name it writes back (IFNAMSIZ includes the NUL).
    let actual = unsafe { CStr::from_ptr(req.name.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    Ok(Tun {
        fd: OwnedFd::from(file),
        name: actual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ifreq_has_the_kernel_size() {
        assert_eq!(std::mem::size_of::<IfReq>(), 40);
    }

    #[test]
    fn names_are_checked_like_linux() {
        assert!(validate_name("wg0").is_ok());
        assert!(validate_name("culvert-12345").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("sixteen-chars-xx").is_err());
        assert!(validate_name("a/b").is_err());
        assert!(validate_name("a b").is_err());
        assert!(validate_name("..").is_err());
    }
}
