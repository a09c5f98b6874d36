//! The sans-IO WireGuard tunnel: peers, cryptokey routing, timers, stats. No sockets, no clock reads.
