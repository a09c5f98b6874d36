package io.culvert.reactnative.platform

/**
 * The tunnel's state as the service last reported it, shared between the VPN
 * service and the React Native module (same process). The service writes; the
 * module reads and forwards every change to JS as a `CulvertStateChanged` or
 * `CulvertHandshake` event.
 *
 * State names are those `src/mapping.ts` reads: `disconnected`, `connecting`,
 * `connected`, `reasserting`, `disconnecting`. Reasons: `userRequested`,
 * `revoked`, `configurationInvalid`, `networkUnavailable`, `providerFailed`.
 * The VPN service (`CulvertReactVpnService`) is the writer.
 */
object TunnelStatusStore {
    /**
     * One state report. [sinceMs] is wall-clock milliseconds since the epoch;
     * [alwaysOn] / [lockdown] are the system's always-on VPN settings for this app
     * (API 29+, `null` below or when unknown).
     */
    data class Status(
        val state: String,
        val reason: String?,
        val message: String?,
        val sinceMs: Long,
        val alwaysOn: Boolean? = null,
        val lockdown: Boolean? = null,
    )

    /** Receives changes; called on the thread that reported them. */
    interface Listener {
        /** The state changed. */
        fun onState(status: Status)

        /** A handshake with [peer] completed (`type = "completed"`) or keeps failing (`"failing"`). */
        fun onHandshake(peer: String, type: String, attempts: Int, atMs: Long)

        /** Fresh per-peer statistics (the `getStats` map), sent after each handshake event. */
        fun onStats(stats: Map<String, Any?>) {}
    }

    private val lock = Any()
    private var status = Status("disconnected", null, null, 0L)
    private val listeners = LinkedHashSet<Listener>()

    /**
     * Per-peer statistics of the running tunnel as plain maps (see
     * [Payloads.stats]); set by the service while a tunnel runs, `null` otherwise.
     */
    @Volatile
    var statsProvider: (() -> Map<String, Any?>)? = null

    /** The last reported status. */
    fun current(): Status = synchronized(lock) { status }

    /** Records a state; listeners hear about it only when something changed. */
    fun report(
        state: String,
        reason: String? = null,
        message: String? = null,
        nowMs: Long = System.currentTimeMillis(),
        alwaysOn: Boolean? = null,
        lockdown: Boolean? = null,
    ) {
        val next = Status(state, if (state == "disconnected") reason else null, message, nowMs, alwaysOn, lockdown)
        val targets: List<Listener>
        synchronized(lock) {
            if (status.state == next.state && status.reason == next.reason &&
                status.alwaysOn == next.alwaysOn && status.lockdown == next.lockdown
            ) return
            status = next
            targets = listeners.toList()
        }
        targets.forEach { it.onState(next) }
    }

    /** Records a handshake event and forwards it. */
    fun reportHandshake(peer: String, type: String, attempts: Int = 0, nowMs: Long = System.currentTimeMillis()) {
        val targets = synchronized(lock) { listeners.toList() }
        targets.forEach { it.onHandshake(peer, type, attempts, nowMs) }
        val stats = try {
            statsProvider?.invoke()
        } catch (t: Throwable) {
            if (t is VirtualMachineError) throw t
            null
        } ?: return
        targets.forEach { it.onStats(stats) }
    }

    /** Adds a listener. */
    fun addListener(listener: Listener) {
        synchronized(lock) { listeners.add(listener) }
    }

    /** Removes a listener. */
    fun removeListener(listener: Listener) {
        synchronized(lock) { listeners.remove(listener) }
    }
}
