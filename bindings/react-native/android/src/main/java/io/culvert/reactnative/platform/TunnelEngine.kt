package io.culvert.reactnative.platform

import android.net.VpnService

/**
 * The seam between the Android service code of this module (compiled here
 * against the Android API alone) and the Culvert library
 * (`io.culvert:culvert-android`), implemented by `CulvertEngine`.
 */
interface TunnelEngine {
    /** A running tunnel. */
    interface Running {
        /** Per-peer counters as [Payloads.stats] builds them. */
        fun stats(): Map<String, Any?>

        /** Stops the tunnel and closes its TUN fd. Idempotent. */
        fun stop()
    }

    /** What the engine reports while the tunnel runs. */
    interface Events {
        /** `connecting`, `connected`, `reasserting` or `disconnected` (+ reason). */
        fun onState(state: String, reason: String?, message: String?)

        /** A handshake completed or keeps failing. */
        fun onHandshake(peer: String, type: String, attempts: Int)
    }

    /**
     * Builds the interface with [service]'s `VpnService.Builder` (addresses,
     * routes, DNS, MTU, per-app rules), starts the tunnel on its fd, protects
     * its sockets with `VpnService.protect` and follows network changes.
     *
     * @throws BridgeError `CONFIG_INVALID` for a config the core rejects,
     *   `PROVIDER_ERROR` when the interface cannot be established.
     */
    fun start(service: VpnService, tunnel: TunnelPreferences.Tunnel, tunnelName: String?, events: Events): Running
}
