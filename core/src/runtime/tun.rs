//! Packet I/O on a TUN file descriptor: raw IP, or Apple utun's 4-byte family prefix.

use super::TunFraming;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

/// Apple's `AF_INET` and `AF_INET6` (the utun header uses Darwin's values).
const APPLE_AF_INET: u32 = 2;
const APPLE_AF_INET6: u32 = 30;
const UTUN_HEADER: usize = 4;

#[derive(Debug)]
pub(crate) struct TunFd {
    fd: OwnedFd,
    framing: TunFraming,
    /// Reused write buffer for the utun header.
    out: Vec<u8>,
}

impl TunFd {
    pub(crate) fn new(fd: OwnedFd, framing: TunFraming) -> io::Result<TunFd> {
        super::waker::set_nonblocking(fd.as_raw_fd())?;
        Ok(TunFd {
            fd,
            framing,
            out: Vec::new(),
        })
    }

    /// Gives the descriptor up without closing it (it was closed behind our back
    /// and its number may already be reused).
    pub(crate) fn forget(self) {
        let _ = std::os::fd::IntoRawFd::into_raw_fd(self.fd);
    }

    pub(crate) fn raw(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    /// Reads one packet into `buf`; returns the packet's range, `Ok(None)` if none is
    /// waiting, an `UnexpectedEof` error when the device is gone.
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<Option<std::ops::Range<usize>>> {
        // SAFETY: reads into a valid buffer of the given length from our own fd.
        let n = unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(None),
                _ => Err(e),
            };
        }
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "TUN device closed",
            ));
        }
        let n = n as usize;
        match self.framing {
            TunFraming::RawIp => Ok(Some(0..n)),
            TunFraming::AppleUtun if n > UTUN_HEADER => Ok(Some(UTUN_HEADER..n)),
            TunFraming::AppleUtun => Ok(Some(0..0)),
        }
    }

    /// Writes one IP packet (dropped if the device is full).
    pub(crate) fn write(&mut self, packet: &[u8]) -> io::Result<()> {
        let data: &[u8] = match self.framing {
            TunFraming::RawIp => packet,
            TunFraming::AppleUtun => {
                let af = match packet.first().map(|b| b >> 4) {
                    Some(6) => APPLE_AF_INET6,
                    _ => APPLE_AF_INET,
                };
                self.out.clear();
                self.out.extend_from_slice(&af.to_be_bytes());
                self.out.extend_from_slice(packet);
                &self.out
            }
        };
        // SAFETY: writes a valid buffer of the given length to our own fd.
        let n = unsafe { libc::write(self.fd.as_raw_fd(), data.as_ptr().cast(), data.len()) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}
