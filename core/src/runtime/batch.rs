//! Batched UDP I/O: `recvmmsg` / `sendmmsg` on Linux and Android, one datagram per
//! system call elsewhere (Apple has no `sendmmsg`).
//!
//! Memory is fixed at construction: [`BATCH`] slots of `slot` bytes each for
//! receiving and for sending (with the default slot of 2 KiB, 128 KiB in total).
//! Datagrams larger than a slot are dropped on receive (they are larger than any
//! tunnel MTU Culvert configures) and sent one by one on send.

use super::udp::{self, Sockets};
use socket2::SockAddr;
use std::io;
use std::net::SocketAddr;

/// Datagrams per system call.
pub(crate) const BATCH: usize = 32;

/// Received datagrams: `(range in buf, source)`.
pub(crate) struct RecvBatch {
    slot: usize,
    pub(crate) buf: Vec<u8>,
    pub(crate) got: Vec<(usize, usize, SocketAddr)>,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    addrs: Vec<libc::sockaddr_storage>,
}

impl RecvBatch {
    pub(crate) fn new(slot: usize) -> RecvBatch {
        RecvBatch {
            slot,
            buf: vec![0u8; slot * BATCH],
            got: Vec::with_capacity(BATCH),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            // SAFETY: sockaddr_storage is plain old data; all-zero is a valid value.
            addrs: vec![unsafe { std::mem::zeroed() }; BATCH],
        }
    }

    /// Receives up to [`BATCH`] datagrams from `socket` without blocking; fills
    /// `self.got`. Returns how many arrived (0 = none waiting).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(crate) fn recv(&mut self, socket: &socket2::Socket) -> io::Result<usize> {
        use std::os::fd::AsRawFd;
        self.got.clear();
        let mut iovecs: [libc::iovec; BATCH] = [libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        }; BATCH];
        // SAFETY: mmsghdr is plain old data; all-zero is a valid value.
        let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
        let base = self.buf.as_mut_ptr();
        for i in 0..BATCH {
            iovecs[i] = libc::iovec {
                // SAFETY: i * slot < buf.len(): the pointer stays inside `buf`.
                iov_base: unsafe { base.add(i * self.slot) }.cast(),
                iov_len: self.slot,
            };
            msgs[i].msg_hdr.msg_name = (&mut self.addrs[i] as *mut libc::sockaddr_storage).cast();
            msgs[i].msg_hdr.msg_namelen =
                std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            msgs[i].msg_hdr.msg_iov = &mut iovecs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: every mmsghdr points at a live iovec, slot buffer and
        // sockaddr_storage owned by `self`, none of which move during the call.
        let n = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                msgs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(0),
                _ => Err(e),
            };
        }
        for (i, m) in msgs.iter().enumerate().take(n as usize) {
            if m.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 {
                log::trace!("dropping an oversized datagram");
                continue;
            }
            if let Some(from) = storage_to_addr(&self.addrs[i]) {
                let len = (m.msg_len as usize).min(self.slot);
                self.got.push((i * self.slot, len, from));
            }
        }
        Ok(n as usize)
    }

    /// Portable fallback: one `recvfrom` per datagram.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub(crate) fn recv(&mut self, socket: &socket2::Socket) -> io::Result<usize> {
        self.got.clear();
        let mut n = 0;
        while n < BATCH {
            let start = n * self.slot;
            match udp::recv_from(socket, &mut self.buf[start..start + self.slot])? {
                Some((len, from)) => {
                    self.got.push((start, len, from));
                    n += 1;
                }
                None => break,
            }
        }
        Ok(n)
    }
}

/// Datagrams waiting to be sent with one `sendmmsg`.
pub(crate) struct SendBatch {
    slot: usize,
    buf: Vec<u8>,
    items: Vec<(usize, SockAddr, bool)>,
}

impl SendBatch {
    pub(crate) fn new(slot: usize) -> SendBatch {
        SendBatch {
            slot,
            buf: vec![0u8; slot * BATCH],
            items: Vec::with_capacity(BATCH),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn is_full(&self) -> bool {
        self.items.len() >= BATCH
    }

    /// Queues a copy of `payload` for `dst`; `false` if it does not fit a slot (send it directly).
    pub(crate) fn push(&mut self, payload: &[u8], dst: SocketAddr) -> bool {
        if payload.len() > self.slot || self.is_full() {
            return false;
        }
        let i = self.items.len();
        self.buf[i * self.slot..i * self.slot + payload.len()].copy_from_slice(payload);
        let dst = udp::unmap(dst);
        self.items
            .push((payload.len(), SockAddr::from(dst), dst.is_ipv6()));
        true
    }

    /// Sends everything queued; returns the number of datagrams that failed and the
    /// last error with its family (`true` = IPv6).
    pub(crate) fn flush(&mut self, sockets: &Sockets) -> (u64, Option<(bool, io::Error)>) {
        let mut failed = 0u64;
        let mut last_err = None;
        let mut start = 0;
        while start < self.items.len() {
            let v6 = self.items[start].2;
            let end = start
                + self.items[start..]
                    .iter()
                    .take_while(|it| it.2 == v6)
                    .count();
            match sockets.socket(v6) {
                Some(socket) => {
                    let (f, e) = self.send_run(socket, start, end);
                    failed += f;
                    if let Some(e) = e {
                        last_err = Some((v6, e));
                    }
                }
                None => failed += (end - start) as u64,
            }
            start = end;
        }
        self.items.clear();
        (failed, last_err)
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn send_run(
        &mut self,
        socket: &socket2::Socket,
        start: usize,
        end: usize,
    ) -> (u64, Option<io::Error>) {
        use std::os::fd::AsRawFd;
        let mut iovecs: [libc::iovec; BATCH] = [libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        }; BATCH];
        // SAFETY: mmsghdr is plain old data; all-zero is a valid value.
        let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
        let n = end - start;
        let base = self.buf.as_mut_ptr();
        for (k, i) in (start..end).enumerate() {
            let (len, ref addr, _) = self.items[i];
            iovecs[k] = libc::iovec {
                // SAFETY: slot i lies inside `buf`.
                iov_base: unsafe { base.add(i * self.slot) }.cast(),
                iov_len: len,
            };
            msgs[k].msg_hdr.msg_name = addr.as_ptr() as *mut libc::c_void;
            msgs[k].msg_hdr.msg_namelen = addr.len();
            msgs[k].msg_hdr.msg_iov = &mut iovecs[k];
            msgs[k].msg_hdr.msg_iovlen = 1;
        }
        let mut sent = 0usize;
        let mut failed = 0u64;
        let mut err = None;
        // Bounded: every round sends or skips at least one datagram.
        while sent < n {
            // SAFETY: msgs[sent..n] point at live iovecs, buffers and addresses.
            let rc = unsafe {
                libc::sendmmsg(
                    socket.as_raw_fd(),
                    msgs[sent..n].as_mut_ptr(),
                    (n - sent) as libc::c_uint,
                    libc::MSG_DONTWAIT,
                )
            };
            if rc <= 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                // Skip the datagram that failed (e.g. unreachable, or the socket
                // buffer is full) and go on.
                err = Some(e);
                failed += 1;
                sent += 1;
                continue;
            }
            sent += rc as usize;
        }
        (failed, err)
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn send_run(
        &mut self,
        socket: &socket2::Socket,
        start: usize,
        end: usize,
    ) -> (u64, Option<io::Error>) {
        let mut failed = 0;
        let mut err = None;
        for i in start..end {
            let (len, ref addr, _) = self.items[i];
            if let Err(e) = socket.send_to(&self.buf[i * self.slot..i * self.slot + len], addr) {
                failed += 1;
                err = Some(e);
            }
        }
        (failed, err)
    }
}

/// A kernel-written socket address as a `SocketAddr` (IPv4 or IPv6 only).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn storage_to_addr(storage: &libc::sockaddr_storage) -> Option<SocketAddr> {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
    match i32::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: ss_family says the storage holds a sockaddr_in, which fits in it.
            let a =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                u16::from_be(a.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: ss_family says the storage holds a sockaddr_in6, which fits in it.
            let a = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(a.sin6_addr.s6_addr),
                u16::from_be(a.sin6_port),
                a.sin6_flowinfo,
                a.sin6_scope_id,
            )))
        }
        _ => None,
    }
}
