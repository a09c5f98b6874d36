// The whole Packet Tunnel extension of the example: Culvert's adapter does the work.
import Culvert
import NetworkExtension

final class PacketTunnelProvider: NEPacketTunnelProvider {
    // The App Group shared with the app: the adapter writes a bounded ring log there.
    private lazy var adapter = CulvertTunnelAdapter(provider: self, options: .init(appGroup: "group.io.culvert.example"))

    override func startTunnel(options: [String: NSObject]?, completionHandler: @escaping (Error?) -> Void) {
        // Reads the configuration the app stored in the Keychain (passwordReference),
        // applies the network settings, then runs the tunnel on the utun descriptor.
        adapter.start(completionHandler: completionHandler)
    }

    override func stopTunnel(with reason: NEProviderStopReason, completionHandler: @escaping () -> Void) {
        adapter.stop(completionHandler: completionHandler)
    }

    override func handleAppMessage(_ messageData: Data, completionHandler: ((Data?) -> Void)?) {
        // Answered at once from cached state: AppMessageRequest.stats / .state.
        adapter.handleAppMessage(messageData, completionHandler: completionHandler)
    }

    override func sleep(completionHandler: @escaping () -> Void) {
        adapter.sleep(completionHandler: completionHandler)
    }

    override func wake() {
        adapter.wake()
    }
}
