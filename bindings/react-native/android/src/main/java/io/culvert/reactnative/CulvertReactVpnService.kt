package io.culvert.reactnative

import io.culvert.reactnative.platform.BaseTunnelService
import io.culvert.reactnative.platform.TunnelEngine

/**
 * The VPN service of react-native-culvert. Declare it in the app's
 * AndroidManifest.xml (the Expo plugin does it):
 *
 * ```xml
 * <service android:name="io.culvert.reactnative.CulvertReactVpnService"
 *     android:permission="android.permission.BIND_VPN_SERVICE"
 *     android:foregroundServiceType="systemExempted" android:exported="false">
 *   <intent-filter><action android:name="android.net.VpnService" /></intent-filter>
 * </service>
 * ```
 */
class CulvertReactVpnService : BaseTunnelService() {
    override fun engine(): TunnelEngine = CulvertEngine

    /** Actions, re-exported for the module. */
    companion object {
        const val ACTION_CONNECT = BaseTunnelService.ACTION_CONNECT
        const val ACTION_DISCONNECT = BaseTunnelService.ACTION_DISCONNECT
    }
}
