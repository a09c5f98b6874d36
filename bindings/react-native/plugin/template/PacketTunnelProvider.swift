// The Packet Tunnel extension (Culvert's template, written by the react-native-culvert
// config plugin when the file is missing; yours to edit). The app installs the
// tunnel with react-native-culvert (`prepare()` + `connect()`), which stores the
// wg-quick text in the Keychain (`passwordReference`); the adapter reads it from
// there, applies the network settings, runs the tunnel on the utun fd and
// answers the app's stats requests (`getStats()`) from its cache.

import Culvert
import NetworkExtension

final class PacketTunnelProvider: NEPacketTunnelProvider {
    private lazy var adapter = CulvertTunnelAdapter(provider: self)

    override func startTunnel(options: [String: NSObject]?, completionHandler: @escaping (Error?) -> Void) {
        adapter.start(completionHandler: completionHandler)
    }

    override func stopTunnel(with reason: NEProviderStopReason, completionHandler: @escaping () -> Void) {
        adapter.stop(completionHandler: completionHandler)
    }

    override func handleAppMessage(_ messageData: Data, completionHandler: ((Data?) -> Void)?) {
        adapter.handleAppMessage(messageData, completionHandler: completionHandler)
    }

    override func sleep(completionHandler: @escaping () -> Void) {
        adapter.sleep(completionHandler: completionHandler)
    }

    override func wake() {
        adapter.wake()
    }
}
