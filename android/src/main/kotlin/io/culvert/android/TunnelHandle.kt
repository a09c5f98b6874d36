package io.culvert.android

import io.culvert.TunnelConfig
import io.culvert.TunnelEvent
import io.culvert.TunnelState
import io.culvert.TunnelStats
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import java.util.concurrent.CopyOnWriteArrayList

/**
 * The app's handle on the running [CulvertVpnService] (one per process, as Android
 * runs at most one VPN per app): observe [status] (a [StateFlow]) or add a
 * [Listener], read [stats], and [update] or [stop] the tunnel — from an activity, a
 * view model or the React Native module, without binding to the service.
 *
 * All calls are safe from any thread and never throw for a tunnel that is not
 * running: [stats] returns `null`, [update] and [stop] return `false`.
 */
object TunnelHandle {
    /** Where the tunnel is. */
    enum class Phase {
        /** No tunnel runs (never started, stopped, or the start failed: see [Status.error]). */
        STOPPED,

        /** The service is building the interface and starting the tunnel. */
        STARTING,

        /** The tunnel runs; no handshake completed yet. */
        CONNECTING,

        /** A handshake completed recently. */
        CONNECTED,

        /** The network changed or handshakes fail; the tunnel is recovering. */
        REASSERTING,

        /** The app put the tunnel to sleep. */
        SLEEPING,
    }

    /**
     * A snapshot of the running tunnel.
     *
     * @property phase the lifecycle phase.
     * @property error the last failure (start, update, stop), typed; `null` after a clean change.
     * @property alwaysOn the system runs this app as the always-on VPN (`VpnService.isAlwaysOn`,
     *   API 29+); `null` below API 29 or when no service runs.
     * @property lockdown always-on with "block connections without VPN"
     *   (`VpnService.isLockdownEnabled`, API 29+); `null` below API 29 or when no service runs.
     */
    data class Status(
        val phase: Phase = Phase.STOPPED,
        val error: CulvertAndroidException? = null,
        val alwaysOn: Boolean? = null,
        val lockdown: Boolean? = null,
    )

    /** Receives every status change and tunnel event, on the thread that reported it. */
    interface Listener {
        /** The status changed. */
        fun onStatus(status: Status) {}

        /** A tunnel event (handshakes, endpoint resolution, errors), as the service got it. */
        fun onEvent(event: TunnelEvent) {}
    }

    private val state = MutableStateFlow(Status())
    private val listeners = CopyOnWriteArrayList<Listener>()

    @Volatile
    private var service: CulvertVpnService? = null

    /** The current status, as a flow (collect it from a coroutine). */
    val status: StateFlow<Status> = state.asStateFlow()

    /** Adds [listener]; it hears the current status at once. */
    fun addListener(listener: Listener) {
        listeners += listener
        safely { listener.onStatus(state.value) }
    }

    /** Removes [listener]. */
    fun removeListener(listener: Listener) {
        listeners -= listener
    }

    /** The running tunnel's statistics, or `null` when none runs (also when it stops meanwhile). */
    fun stats(): TunnelStats? = service?.stats()

    /**
     * Applies [config] to the running tunnel (asynchronously, on the service's worker):
     * peers and keys in place; addresses, routes, DNS, MTU or per-app changes
     * re-establish the interface. Failures land in [Status.error].
     *
     * @return `false` when no tunnel service runs.
     */
    fun update(config: TunnelConfig): Boolean {
        val s = service ?: return false
        s.update(config)
        return true
    }

    /**
     * Stops the tunnel and the service (asynchronously).
     *
     * @return `false` when no tunnel service runs.
     */
    fun stop(): Boolean {
        val s = service ?: return false
        s.stopFromHandle()
        return true
    }

    /** Whether this app is the always-on VPN (API 29+; `null` below or when no service runs). */
    val isAlwaysOn: Boolean? get() = service?.alwaysOnState()?.first

    /** Whether always-on lockdown is on (API 29+; `null` below or when no service runs). */
    val isLockdownEnabled: Boolean? get() = service?.alwaysOnState()?.second

    // -- written by CulvertVpnService -----------------------------------------

    internal fun attach(s: CulvertVpnService) {
        service = s
    }

    internal fun detach(s: CulvertVpnService) {
        if (service === s) {
            service = null
            publish(Status(Phase.STOPPED, state.value.error))
        }
    }

    internal fun phase(phase: Phase, error: CulvertAndroidException? = null) {
        val (alwaysOn, lockdown) = service?.alwaysOnState() ?: (null to null)
        publish(Status(phase, error, alwaysOn, lockdown))
    }

    internal fun failed(error: CulvertAndroidException) {
        publish(state.value.copy(error = error))
    }

    internal fun event(event: TunnelEvent) {
        if (event is TunnelEvent.StateChanged) {
            val phase = when (event.state) {
                TunnelState.CONNECTING -> Phase.CONNECTING
                TunnelState.CONNECTED -> Phase.CONNECTED
                TunnelState.REASSERTING -> Phase.REASSERTING
                TunnelState.SLEEPING -> Phase.SLEEPING
                TunnelState.STOPPED -> null // the service reports STOPPED when it has cleaned up
            }
            // A tunnel state change keeps the last failure (e.g. of an update()) visible.
            if (phase != null) phase(phase, state.value.error)
        }
        for (l in listeners) safely { l.onEvent(event) }
    }

    private fun publish(next: Status) {
        if (state.value == next) return
        state.value = next
        for (l in listeners) safely { l.onStatus(next) }
    }

    /** A listener that throws must not take the tunnel (or the app) down. */
    private inline fun safely(block: () -> Unit) {
        try {
            block()
        } catch (t: Throwable) {
            if (t is VirtualMachineError) throw t
            android.util.Log.w("Culvert", "a TunnelHandle listener threw ${t.javaClass.simpleName}")
        }
    }
}
