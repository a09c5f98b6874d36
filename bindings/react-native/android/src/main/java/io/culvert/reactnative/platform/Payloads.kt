package io.culvert.reactnative.platform

/**
 * Builders of the plain maps the module hands to JS (converted with
 * `Arguments.makeNativeMap`). Numbers are Doubles: JS has no 64-bit integers,
 * and counters stay exact up to 2^53.
 */
object Payloads {
    /** `getStatus` answer. */
    fun status(status: TunnelStatusStore.Status, prepared: Boolean, tunnelName: String?): Map<String, Any?> = mapOf(
        "state" to status.state,
        "reason" to status.reason,
        "message" to status.message,
        "since" to if (status.sinceMs > 0) status.sinceMs.toDouble() else null,
        "prepared" to prepared,
        "tunnelName" to tunnelName,
    )

    /** `CulvertStateChanged` event body; `alwaysOn` / `lockdown` are Android's (API 29+, else null). */
    fun stateEvent(status: TunnelStatusStore.Status): Map<String, Any?> = mapOf(
        "state" to status.state,
        "reason" to status.reason,
        "message" to status.message,
        "at" to status.sinceMs.toDouble(),
        "alwaysOn" to status.alwaysOn,
        "lockdown" to status.lockdown,
    )

    /** `CulvertHandshake` event body. */
    fun handshakeEvent(peer: String, type: String, attempts: Int, atMs: Long): Map<String, Any?> = mapOf(
        "peer" to peer,
        "type" to type,
        "attempts" to attempts.toDouble(),
        "at" to atMs.toDouble(),
    )

    /** One peer of a `getStats` answer. */
    data class PeerCounters(
        val publicKey: String,
        val endpoint: String?,
        val rxBytes: Long,
        val txBytes: Long,
        val rxPackets: Long,
        val txPackets: Long,
        val lastHandshakeMs: Long?,
        val handshakes: Long,
        val rttMs: Int?,
        val loss: Float,
    )

    /** Failed writes by reason (the core's `IoFailures`). */
    data class IoCounters(
        val bufferFull: Long = 0,
        val unreachable: Long = 0,
        val permission: Long = 0,
        val tooLarge: Long = 0,
        val noSocket: Long = 0,
        val other: Long = 0,
    ) {
        fun toMap(): Map<String, Any?> = mapOf(
            "bufferFull" to bufferFull.toDouble(),
            "unreachable" to unreachable.toDouble(),
            "permission" to permission.toDouble(),
            "tooLarge" to tooLarge.toDouble(),
            "noSocket" to noSocket.toDouble(),
            "other" to other.toDouble(),
        )
    }

    /** `getStats` answer. */
    fun stats(
        listenPort: Int?,
        peers: List<PeerCounters>,
        nowMs: Long = System.currentTimeMillis(),
        sendFailures: IoCounters = IoCounters(),
        tunWriteFailures: IoCounters = IoCounters(),
        oversizedDropped: Long = 0,
    ): Map<String, Any?> = mapOf(
        "listenPort" to listenPort?.toDouble(),
        "collectedAt" to nowMs.toDouble(),
        "sendFailures" to sendFailures.toMap(),
        "tunWriteFailures" to tunWriteFailures.toMap(),
        "oversizedDropped" to oversizedDropped.toDouble(),
        "peers" to peers.map { p ->
            mapOf(
                "publicKey" to p.publicKey,
                "endpoint" to p.endpoint,
                "rxBytes" to p.rxBytes.toDouble(),
                "txBytes" to p.txBytes.toDouble(),
                "rxPackets" to p.rxPackets.toDouble(),
                "txPackets" to p.txPackets.toDouble(),
                "lastHandshake" to p.lastHandshakeMs?.toDouble(),
                "handshakes" to p.handshakes.toDouble(),
                "rttMs" to p.rttMs?.toDouble(),
                "loss" to p.loss.toDouble(),
            )
        },
    )

    /** An empty `getStats` answer (tunnel not running). */
    fun emptyStats(nowMs: Long = System.currentTimeMillis()): Map<String, Any?> = stats(null, emptyList(), nowMs)
}
