//! The tunnel's UDP sockets (IPv4 and IPv6), protected before first use.

use super::{Hooks, RuntimeError};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};

/// Socket buffer size asked for (the kernel may cap it; `SO_RCVBUFFORCE` is tried first).
const SOCKET_BUFFER: usize = 4 * 1024 * 1024;

#[derive(Debug)]
pub(crate) struct Sockets {
    pub(crate) v4: Option<Socket>,
    pub(crate) v6: Option<Socket>,
    pub(crate) port: u16,
}

fn open(domain: Domain, port: u16, hooks: &Hooks) -> Result<Socket, RuntimeError> {
    let socket = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| RuntimeError::Io(format!("creating a UDP socket: {e}")))?;
    if let Some(protector) = &hooks.protector {
        protector
            .protect(socket.as_raw_fd())
            .map_err(RuntimeError::Protect)?;
    }
    socket
        .set_nonblocking(true)
        .map_err(|e| RuntimeError::Io(format!("setting a UDP socket non-blocking: {e}")))?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(mark) = hooks.fwmark {
        socket
            .set_mark(mark)
            .map_err(|e| RuntimeError::Io(format!("setting fwmark {mark}: {e}")))?;
    }
    set_buffers(&socket);
    let addr: SocketAddr = if domain == Domain::IPV6 {
        socket
            .set_only_v6(true)
            .map_err(|e| RuntimeError::Io(format!("setting IPV6_V6ONLY: {e}")))?;
        (Ipv6Addr::UNSPECIFIED, port).into()
    } else {
        (Ipv4Addr::UNSPECIFIED, port).into()
    };
    socket
        .bind(&SockAddr::from(addr))
        .map_err(|e| RuntimeError::Io(format!("binding UDP port {port}: {e}")))?;
    Ok(socket)
}

fn set_buffers(socket: &Socket) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let size = SOCKET_BUFFER as libc::c_int;
        for opt in [libc::SO_RCVBUFFORCE, libc::SO_SNDBUFFORCE] {
            // SAFETY: setsockopt with a valid int option value on our own socket.
            unsafe {
                libc::setsockopt(
                    socket.as_raw_fd(),
                    libc::SOL_SOCKET,
                    opt,
                    (&size as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
        }
    }
    if socket.recv_buffer_size().unwrap_or(0) < SOCKET_BUFFER {
        let _ = socket.set_recv_buffer_size(SOCKET_BUFFER);
    }
    if socket.send_buffer_size().unwrap_or(0) < SOCKET_BUFFER {
        let _ = socket.set_send_buffer_size(SOCKET_BUFFER);
    }
}

fn local_port(socket: &Socket) -> u16 {
    socket
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map_or(0, |a| a.port())
}

impl Sockets {
    /// Binds IPv4 and IPv6 sockets on `port` (0 = any, then the same port for both).
    /// One family failing is logged; both failing is an error.
    pub(crate) fn bind(port: u16, hooks: &Hooks) -> Result<Sockets, RuntimeError> {
        let v4 = match open(Domain::IPV4, port, hooks) {
            Ok(s) => Some(s),
            Err(e @ RuntimeError::Protect(_)) => return Err(e),
            Err(e) => {
                log::warn!("no IPv4 UDP socket: {e}");
                None
            }
        };
        let port = v4.as_ref().map_or(port, local_port);
        let v6 = match open(Domain::IPV6, port, hooks) {
            Ok(s) => Some(s),
            Err(e @ RuntimeError::Protect(_)) => return Err(e),
            Err(e) => {
                log::info!("no IPv6 UDP socket: {e}");
                None
            }
        };
        let port = match (&v4, &v6) {
            (Some(s), _) | (None, Some(s)) => local_port(s),
            (None, None) => {
                return Err(RuntimeError::Io(format!(
                    "could not bind a UDP socket on port {port} (IPv4 or IPv6)"
                )))
            }
        };
        Ok(Sockets { v4, v6, port })
    }

    /// Descriptors to poll, with their family (`false` = IPv4).
    pub(crate) fn fds(&self) -> impl Iterator<Item = (RawFd, bool)> + '_ {
        self.v4
            .iter()
            .map(|s| (s.as_raw_fd(), false))
            .chain(self.v6.iter().map(|s| (s.as_raw_fd(), true)))
    }

    pub(crate) fn socket(&self, v6: bool) -> Option<&Socket> {
        if v6 {
            self.v6.as_ref()
        } else {
            self.v4.as_ref()
        }
    }

    /// Sends `payload` to `dst` on the socket of its family.
    pub(crate) fn send_to(&self, payload: &[u8], dst: SocketAddr) -> io::Result<usize> {
        let dst = unmap(dst);
        let socket = self.socket(dst.is_ipv6()).ok_or_else(no_socket_error)?;
        socket.send_to(payload, &SockAddr::from(dst))
    }
}

/// The error of a send with no socket of the destination's family.
pub(crate) fn no_socket_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::AddrNotAvailable,
        "no socket for this address family",
    )
}

/// An IPv4-mapped IPv6 address as plain IPv4 (it goes out of the IPv4 socket).
pub(crate) fn unmap(dst: SocketAddr) -> SocketAddr {
    match dst {
        SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), a.port()),
            None => dst,
        },
        v4 => v4,
    }
}

/// Receives one datagram into `buf` (non-blocking; the fallback where `recvmmsg` is missing): `Ok(None)` when there is none.
#[cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]
pub(crate) fn recv_from(
    socket: &Socket,
    buf: &mut [u8],
) -> io::Result<Option<(usize, SocketAddr)>> {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`; socket2 only writes into it.
    let uninit = unsafe {
        std::slice::from_raw_parts_mut(
            buf.as_mut_ptr().cast::<std::mem::MaybeUninit<u8>>(),
            buf.len(),
        )
    };
    match socket.recv_from(uninit) {
        Ok((n, addr)) => Ok(addr.as_socket().map(|a| (n, a))),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    }
}
