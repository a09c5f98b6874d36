//! The only I/O in Culvert: event loop, TUN fd / packet callbacks, UDP sockets, endpoint resolution.
