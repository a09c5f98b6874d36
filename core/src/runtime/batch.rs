//! Batched UDP I/O: `recvmmsg` / `sendmmsg` on Linux and Android, one datagram per
//! system call elsewhere (Apple has no `sendmmsg`).
//!
//! Memory is fixed at construction: [`BATCH`] slots of `slot` bytes each for
//! receiving and for sending (with the default slot of 2 KiB, 64 KiB each), plus
//! one receive spill buffer of [`MAX_DATAGRAM`] bytes. A datagram larger than a
//! slot (a peer with a larger MTU) continues into the spill buffer, which every
//! message of a batch shares: the last such datagram of a batch arrives whole;
//! an earlier one in the same batch was overwritten and is counted in
//! `oversized_dropped` (logged once). Datagrams larger than a slot are sent one
//! by one.

use super::udp::{self, Sockets};
use socket2::SockAddr;
use std::io;
use std::net::SocketAddr;

/// Datagrams per system call.
pub(crate) const BATCH: usize = 32;
/// The largest UDP payload received whole.
pub(crate) const MAX_DATAGRAM: usize = 65_535;
/// Where a received datagram is: `got` entries with this start are in the spill buffer.
const SPILLED: usize = usize::MAX;

/// Received datagrams: `(start in buf or SPILLED, length, source)`.
pub(crate) struct RecvBatch {
    slot: usize,
    buf: Vec<u8>,
    /// The spill buffer: bytes past a slot land at `spill[slot..]`; the slot's
    /// part is copied in front so the datagram is contiguous.
    spill: Vec<u8>,
    pub(crate) got: Vec<(usize, usize, SocketAddr)>,
    /// Datagrams lost because a later one of the same batch also spilled.
    pub(crate) oversized_dropped: u64,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    addrs: Vec<libc::sockaddr_storage>,
}

impl RecvBatch {
    pub(crate) fn new(slot: usize) -> RecvBatch {
        let slot = slot.min(MAX_DATAGRAM);
        RecvBatch {
            slot,
            buf: vec![0u8; slot * BATCH],
            spill: vec![0u8; MAX_DATAGRAM],
            got: Vec::with_capacity(BATCH),
            oversized_dropped: 0,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            // SAFETY: sockaddr_storage is plain old data; all-zero is a valid value.
            addrs: vec![unsafe { std::mem::zeroed() }; BATCH],
        }
    }

    /// The bytes of received datagram `i` (of `got`).
    pub(crate) fn datagram(&self, i: usize) -> &[u8] {
        let (start, len, _) = self.got[i];
        if start == SPILLED {
            &self.spill[..len]
        } else {
            &self.buf[start..start + len]
        }
    }

    fn note_oversized_drop(&mut self) {
        if self.oversized_dropped == 0 {
            log::warn!(
                "a datagram larger than the receive slot ({} bytes) was lost: \
                 several arrived in one batch (logged once; counted in stats)",
                self.slot
            );
        }
        self.oversized_dropped += 1;
    }

    /// Receives up to [`BATCH`] datagrams from `socket` without blocking; fills
    /// `self.got`. Returns how many arrived (0 = none waiting).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(crate) fn recv(&mut self, socket: &socket2::Socket) -> io::Result<usize> {
        use std::os::fd::AsRawFd;
        self.got.clear();
        // Two iovecs per message: its slot, then the shared spill buffer.
        let mut iovecs: [libc::iovec; 2 * BATCH] = [libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        }; 2 * BATCH];
        // SAFETY: mmsghdr is plain old data; all-zero is a valid value.
        let mut msgs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
        let base = self.buf.as_mut_ptr();
        // SAFETY: slot <= MAX_DATAGRAM == spill.len(): the pointer stays inside `spill`.
        let spill = unsafe { self.spill.as_mut_ptr().add(self.slot) };
        let spill_len = MAX_DATAGRAM - self.slot;
        for i in 0..BATCH {
            iovecs[2 * i] = libc::iovec {
                // SAFETY: i * slot < buf.len(): the pointer stays inside `buf`.
                iov_base: unsafe { base.add(i * self.slot) }.cast(),
                iov_len: self.slot,
            };
            iovecs[2 * i + 1] = libc::iovec {
                iov_base: spill.cast(),
                iov_len: spill_len,
            };
            msgs[i].msg_hdr.msg_name = (&mut self.addrs[i] as *mut libc::sockaddr_storage).cast();
            msgs[i].msg_hdr.msg_namelen =
                std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            msgs[i].msg_hdr.msg_iov = &mut iovecs[2 * i];
            msgs[i].msg_hdr.msg_iovlen = if spill_len > 0 { 2 } else { 1 };
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
        let n = n as usize;
        // Only the last datagram that spilled owns the spill buffer.
        let last_spilled = msgs[..n]
            .iter()
            .rposition(|m| m.msg_len as usize > self.slot);
        for (i, m) in msgs.iter().enumerate().take(n) {
            let len = m.msg_len as usize;
            if m.msg_hdr.msg_flags & libc::MSG_TRUNC != 0
                || (len > self.slot && Some(i) != last_spilled)
            {
                self.note_oversized_drop();
                continue;
            }
            let Some(from) = storage_to_addr(&self.addrs[i]) else {
                continue;
            };
            if len > self.slot {
                let start = i * self.slot;
                self.spill[..self.slot].copy_from_slice(&self.buf[start..start + self.slot]);
                log::trace!("received a datagram of {len} bytes through the spill buffer");
                self.got.push((SPILLED, len, from));
            } else {
                self.got.push((i * self.slot, len, from));
            }
        }
        Ok(n)
    }

    /// Portable fallback: one `recvfrom` per datagram, into the spill buffer
    /// (so no datagram is cut short), copied to its slot when it fits. A datagram
    /// that does not fit a slot ends the batch (it stays in the spill buffer).
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub(crate) fn recv(&mut self, socket: &socket2::Socket) -> io::Result<usize> {
        self.got.clear();
        let mut n = 0;
        while n < BATCH {
            match udp::recv_from(socket, &mut self.spill)? {
                Some((len, from)) if len > self.slot => {
                    self.got.push((SPILLED, len, from));
                    n += 1;
                    break;
                }
                Some((len, from)) => {
                    let start = n * self.slot;
                    self.buf[start..start + len].copy_from_slice(&self.spill[..len]);
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
    items: Vec<(usize, SockAddr, bool, SocketAddr)>,
    /// Datagrams that could not be sent (destination, length, why), until the
    /// caller takes them.
    pub(crate) failed: Vec<(SocketAddr, usize, io::Error)>,
}

impl SendBatch {
    pub(crate) fn new(slot: usize) -> SendBatch {
        SendBatch {
            slot,
            buf: vec![0u8; slot * BATCH],
            items: Vec::with_capacity(BATCH),
            failed: Vec::with_capacity(BATCH),
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
        let mapped = udp::unmap(dst);
        self.items
            .push((payload.len(), SockAddr::from(mapped), mapped.is_ipv6(), dst));
        true
    }

    /// Sends everything queued; the datagrams that failed are added to
    /// [`SendBatch::failed`].
    pub(crate) fn flush(&mut self, sockets: &Sockets) {
        let mut start = 0;
        while start < self.items.len() {
            let v6 = self.items[start].2;
            let end = start
                + self.items[start..]
                    .iter()
                    .take_while(|it| it.2 == v6)
                    .count();
            match sockets.socket(v6) {
                Some(socket) => self.send_run(socket, start, end),
                None => {
                    for i in start..end {
                        let (len, _, _, dst) = self.items[i];
                        self.failed.push((dst, len, udp::no_socket_error()));
                    }
                }
            }
            start = end;
        }
        self.items.clear();
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn send_run(&mut self, socket: &socket2::Socket, start: usize, end: usize) {
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
            let (len, ref addr, _, _) = self.items[i];
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
                let (len, _, _, dst) = self.items[start + sent];
                self.failed.push((dst, len, e));
                sent += 1;
                continue;
            }
            sent += rc as usize;
        }
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn send_run(&mut self, socket: &socket2::Socket, start: usize, end: usize) {
        for i in start..end {
            let (len, ref addr, _, dst) = self.items[i];
            if let Err(e) = socket.send_to(&self.buf[i * self.slot..i * self.slot + len], addr) {
                self.failed.push((dst, len, e));
            }
        }
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
