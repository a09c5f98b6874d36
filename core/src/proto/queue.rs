//! Fixed-cap, reused output buffers: packets written in place, handed out by `poll_*`.
//!
//! One growable byte arena plus a queue of `(meta, start, len)`. Writers reserve
//! space at the end, write in place (boringtun encrypts straight into it) and
//! commit; readers pop from the front. The arena is rewound when the queue is
//! empty, so after warm-up nothing allocates. The arena never grows past `cap`
//! bytes: a write that does not fit is refused (and counted by the caller).

use std::collections::VecDeque;

#[derive(Debug)]
pub(crate) struct OutQueue<M> {
    buf: Vec<u8>,
    used: usize,
    items: VecDeque<(M, usize, usize)>,
    cap: usize,
}

impl<M: Copy> OutQueue<M> {
    pub(crate) fn new(cap: usize) -> Self {
        OutQueue {
            buf: Vec::new(),
            used: 0,
            items: VecDeque::new(),
            cap,
        }
    }

    /// A writable slice of exactly `need` bytes at the end, or `None` if that would
    /// exceed the cap.
    pub(crate) fn reserve(&mut self, need: usize) -> Option<&mut [u8]> {
        if self.items.is_empty() {
            self.used = 0;
        }
        let end = self.used.checked_add(need)?;
        if end > self.cap {
            return None;
        }
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        Some(&mut self.buf[self.used..end])
    }

    /// Commits `len` bytes written at the start of the last reservation, which
    /// began `offset` bytes into it.
    pub(crate) fn commit(&mut self, meta: M, offset: usize, len: usize) {
        let start = self.used + offset;
        debug_assert!(start + len <= self.buf.len());
        self.items.push_back((meta, start, len));
        self.used = start + len;
    }

    /// Copies `data` in (for small, rare outputs such as handshake messages).
    pub(crate) fn push(&mut self, meta: M, data: &[u8]) -> bool {
        match self.reserve(data.len()) {
            Some(dst) => {
                dst.copy_from_slice(data);
                self.commit(meta, 0, data.len());
                true
            }
            None => false,
        }
    }

    /// The oldest item.
    pub(crate) fn pop(&mut self) -> Option<(M, &[u8])> {
        let (meta, start, len) = self.items.pop_front()?;
        Some((meta, &self.buf[start..start + len]))
    }

    /// Bytes the arena holds (its high-water mark).
    pub(crate) fn capacity_bytes(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_arena_and_respects_cap() {
        let mut q = OutQueue::<u8>::new(100);
        assert!(q.push(1, &[1, 2, 3]));
        let dst = q.reserve(10).unwrap();
        dst[2..4].copy_from_slice(&[9, 9]);
        q.commit(2, 2, 2);
        assert!(q.reserve(96).is_none());
        assert_eq!(q.pop().unwrap(), (1, &[1u8, 2, 3][..]));
        assert_eq!(q.pop().unwrap(), (2, &[9u8, 9][..]));
        assert!(q.pop().is_none());
        assert!(q.reserve(100).is_some());
    }
}
