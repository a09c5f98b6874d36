// Prints, as JSON, what the Android bridge's compiled code hands to JS: the
// payload builders, the status store's event stream, and the error codes.
// `make test-rn` runs it on the JVM and feeds the output to
// src/__tests__/contract.test.ts, which reads it with the TS mapping layer.
import io.culvert.reactnative.platform.BridgeError
import io.culvert.reactnative.platform.HotspotJoiner
import io.culvert.reactnative.platform.Payloads
import io.culvert.reactnative.platform.SsidReader
import io.culvert.reactnative.platform.TunnelStatusStore

private fun json(v: Any?): String = when (v) {
    null -> "null"
    is String -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""
    is Boolean -> v.toString()
    is Double -> if (v.isFinite()) (if (v == Math.floor(v) && Math.abs(v) < 1e15) v.toLong().toString() else v.toString()) else "null"
    is Number -> json(v.toDouble())
    is Map<*, *> -> v.entries.joinToString(",", "{", "}") { json(it.key.toString()) + ":" + json(it.value) }
    is List<*> -> v.joinToString(",", "[", "]") { json(it) }
    else -> error("not JSON: ${v.javaClass}")
}

fun main() {
    val peer = Payloads.PeerCounters(
        publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=", endpoint = "198.51.100.1:51820",
        rxBytes = 9_007_199_254_740_000L, txBytes = 5678, rxPackets = 10, txPackets = 12,
        lastHandshakeMs = 1_700_000_000_000L, handshakes = 3, rttMs = 42, loss = 0.25f,
    )
    val fresh = peer.copy(publicKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", endpoint = null, lastHandshakeMs = null, rttMs = null, loss = 0f)

    // The store's event stream for a session: duplicates are not re-sent, reasons only when down.
    val events = mutableListOf<Map<String, Any?>>()
    val listener = object : TunnelStatusStore.Listener {
        override fun onState(status: TunnelStatusStore.Status) { events += Payloads.stateEvent(status) }
        override fun onHandshake(peer: String, type: String, attempts: Int, atMs: Long) {
            events += Payloads.handshakeEvent(peer, type, attempts, atMs)
        }
    }
    TunnelStatusStore.addListener(listener)
    TunnelStatusStore.report("connecting", nowMs = 1000)
    TunnelStatusStore.report("connecting", nowMs = 1001)
    TunnelStatusStore.report("connected", "ignored-when-up", nowMs = 1200)
    TunnelStatusStore.reportHandshake(peer.publicKey, "completed", nowMs = 1250)
    TunnelStatusStore.reportHandshake(peer.publicKey, "failing", 4, nowMs = 1300)
    TunnelStatusStore.report("reasserting", nowMs = 1400)
    TunnelStatusStore.report("connected", nowMs = 1500)
    TunnelStatusStore.report("disconnecting", nowMs = 1600)
    TunnelStatusStore.report("disconnected", "revoked", "VPN permission was revoked.", nowMs = 1700)
    TunnelStatusStore.removeListener(listener)

    val out = linkedMapOf<String, Any?>(
        "status_connected" to Payloads.status(TunnelStatusStore.Status("connected", null, null, 1_700_000_000_000L), true, "Office"),
        "status_down" to Payloads.status(TunnelStatusStore.current(), false, null),
        "stats" to Payloads.stats(
            51820, listOf(peer, fresh), 1_700_000_001_000L,
            sendFailures = Payloads.IoCounters(unreachable = 3, permission = 1),
            tunWriteFailures = Payloads.IoCounters(bufferFull = 7),
            oversizedDropped = 2,
        ),
        "stats_empty" to Payloads.emptyStats(1_700_000_002_000L),
        "events" to events,
        "ssid_ok" to SsidReader.Result(SsidReader.unquote("\"Caf\u00e9\""), "02:00:00:00:00:01", null, null).toMap(),
        "ssid_missing" to SsidReader.Result(null, null, "locationPermissionMissing", "grant ACCESS_FINE_LOCATION").toMap(),
        "joined" to HotspotJoiner.Joined(alreadyConnected = false, method = "suggestion").toMap(),
        "codes" to listOf(
            BridgeError.INVALID_ARGUMENT, BridgeError.CONFIG_INVALID, BridgeError.VPN_PERMISSION_DENIED,
            BridgeError.VPN_NOT_PREPARED, BridgeError.PROVIDER_ERROR, BridgeError.TIMEOUT, BridgeError.BUSY,
            BridgeError.UNSUPPORTED, BridgeError.UNKNOWN, BridgeError.hotspot("userDenied", "x").code,
        ),
    )
    println(json(out))
}
