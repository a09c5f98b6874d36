package io.culvert.reactnative

import android.content.Intent
import io.culvert.SettingsOptions
import io.culvert.TunnelConfig
import io.culvert.TunnelEvent
import io.culvert.TunnelState
import io.culvert.android.CulvertVpnService
import io.culvert.android.TunnelHandle
import io.culvert.android.VpnOptions
import io.culvert.reactnative.platform.BridgeError
import io.culvert.reactnative.platform.Payloads
import io.culvert.reactnative.platform.TunnelPreferences
import io.culvert.reactnative.platform.TunnelStatusStore

/**
 * The VPN service of react-native-culvert: culvert-android's [CulvertVpnService]
 * (interface from the config's network settings, the tunnel on the TUN fd,
 * protected sockets, underlying-network tracking, always-on start, `onRevoke`)
 * running the config the app passed to `connect()`, with every state change and
 * handshake forwarded to JS through [TunnelStatusStore].
 *
 * Declare it in the app's AndroidManifest.xml (the Expo plugin does it):
 *
 * ```xml
 * <service android:name="io.culvert.reactnative.CulvertReactVpnService"
 *     android:permission="android.permission.BIND_VPN_SERVICE"
 *     android:foregroundServiceType="systemExempted" android:exported="false">
 *   <intent-filter><action android:name="android.net.VpnService" /></intent-filter>
 * </service>
 * ```
 */
class CulvertReactVpnService : CulvertVpnService() {
    /** The stored config: the one `connect()` saved, also for always-on starts. */
    override fun loadConfig(intent: Intent?): TunnelConfig? {
        val stored = TunnelPreferences.loadTunnel(this)
        if (stored == null) {
            TunnelStatusStore.report("disconnected", "configurationInvalid", "No tunnel configuration is stored; connect from the app first.")
            return null
        }
        report("connecting")
        return CulvertCoreAdapter.requireValid(stored.configText)
    }

    override fun sessionName(config: TunnelConfig): String = TunnelPreferences.tunnelName(this) ?: "Culvert"

    /** `excludePrivate`, `excludedRoutes` and `defaultMtu` from `connect()`'s options. */
    override fun settingsOptions(config: TunnelConfig): SettingsOptions {
        val o = TunnelPreferences.options(this)
        return SettingsOptions(
            excludePrivate = o.excludePrivate,
            excludedRoutes = o.excludedRoutes,
            defaultMtu = o.defaultMtu?.toUShort(),
        )
    }

    /** `allowBypass` and `metered` from `connect()`'s options. */
    override fun vpnOptions(config: TunnelConfig): VpnOptions {
        val o = TunnelPreferences.options(this)
        return VpnOptions(allowBypass = o.allowBypass, metered = o.metered)
    }

    /** Reports [state] with the always-on / lockdown flags of the service handle. */
    private fun report(state: String) =
        TunnelStatusStore.report(state, alwaysOn = TunnelHandle.isAlwaysOn, lockdown = TunnelHandle.isLockdownEnabled)

    override fun onTunnelEvent(event: TunnelEvent) {
        when (event) {
            is TunnelEvent.StateChanged -> when (event.state) {
                TunnelState.CONNECTING -> report("connecting")
                TunnelState.CONNECTED, TunnelState.SLEEPING -> report("connected")
                TunnelState.REASSERTING -> report("reasserting")
                TunnelState.STOPPED -> Unit // reported with its reason by the stop paths below
            }
            else -> Unit
        }
        if (TunnelStatusStore.statsProvider == null) TunnelStatusStore.statsProvider = ::statsPayload
        when (event) {
            is TunnelEvent.HandshakeCompleted -> TunnelStatusStore.reportHandshake(event.peer, "completed")
            is TunnelEvent.HandshakeFailing -> TunnelStatusStore.reportHandshake(event.peer, "failing", event.attempts.toInt())
            else -> Unit
        }
    }

    override fun onStartFailed(error: Exception) {
        super.onStartFailed(error)
        val reason = when (error) {
            is BridgeError -> if (error.code == BridgeError.CONFIG_INVALID) "configurationInvalid" else "providerFailed"
            is VpnNotPreparedException -> "revoked"
            else -> "providerFailed"
        }
        // Never the exception's own text for unknown errors: it could quote input.
        val message = if (error is BridgeError) error.message else "The tunnel failed to start (${BridgeError.from(error).message})."
        stopped(reason, message)
    }

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        if (intent?.action == ACTION_STOP) stopped("userRequested", null)
        return super.onStartCommand(intent, flags, startId)
    }

    override fun onRevoke() {
        stopped("revoked", "VPN permission was revoked (another VPN app started, or the user turned it off).")
        super.onRevoke()
    }

    override fun onDestroy() {
        if (TunnelStatusStore.current().state != "disconnected") stopped("providerFailed", "The VPN service was destroyed.")
        super.onDestroy()
    }

    private fun stopped(reason: String, message: String?) {
        TunnelStatusStore.statsProvider = null
        TunnelStatusStore.report("disconnected", reason, message)
    }

    private fun statsPayload(): Map<String, Any?> {
        val s = stats() ?: return Payloads.emptyStats()
        return Payloads.stats(
            s.listenPort.toInt(),
            s.peers.map { p ->
                Payloads.PeerCounters(
                    publicKey = p.publicKey,
                    endpoint = p.endpoint,
                    rxBytes = p.rxBytes.toLong(),
                    txBytes = p.txBytes.toLong(),
                    rxPackets = p.rxPackets.toLong(),
                    txPackets = p.txPackets.toLong(),
                    lastHandshakeMs = p.lastHandshakeEpochMillis?.toLong(),
                    handshakes = p.handshakes.toLong(),
                    rttMs = p.rttMillis?.toInt(),
                    loss = p.loss,
                )
            },
            sendFailures = ioCounters(s.sendFailures),
            tunWriteFailures = ioCounters(s.tunWriteFailures),
            oversizedDropped = s.oversizedDropped.toLong(),
        )
    }

    private fun ioCounters(f: io.culvert.IoFailures) = Payloads.IoCounters(
        bufferFull = f.bufferFull.toLong(),
        unreachable = f.unreachable.toLong(),
        permission = f.permission.toLong(),
        tooLarge = f.tooLarge.toLong(),
        noSocket = f.noSocket.toLong(),
        other = f.other.toLong(),
    )

    /** Intent actions the module sends. */
    companion object {
        /** Starts (or restarts with) the stored config. */
        const val ACTION_CONNECT = "io.culvert.reactnative.CONNECT"
        /** culvert-android's stop action. */
        const val ACTION_STOP = CulvertVpnService.ACTION_STOP
    }
}
