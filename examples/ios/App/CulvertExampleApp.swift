// The example app: installs a tunnel (configuration in the Keychain, leak
// protection, on-demand rules), starts and stops it, and shows the extension's
// statistics through an app message.
import Culvert
// NETunnelProviderManager is not Sendable: without @preconcurrency, Swift 6 rejects
// handing the @MainActor model's manager to Culvert's nonisolated async installer
// (and getting it back from install).
@preconcurrency import NetworkExtension
import SwiftUI

@main
struct CulvertExampleApp: App {
    var body: some Scene {
        WindowGroup { TunnelView() }
    }
}

@MainActor
final class TunnelModel: ObservableObject {
    @Published var configText = ""
    @Published var status = "not installed"
    @Published var statsLine = ""
    @Published var logText = ""
    private var manager: NETunnelProviderManager?

    /// Installs (or replaces) the "Culvert Example" tunnel in Settings › VPN.
    func install() async {
        do {
            manager = try await TunnelManagerInstaller.install(.init(
                name: "Culvert Example",
                configText: configText,
                providerBundleIdentifier: "io.culvert.example.PacketTunnel",
                keychainAccessGroup: keychainGroup(),
                leakProtection: .killSwitch,
                onDemand: .exceptWiFi(trustedSSIDs: [])))
            status = "installed"
        } catch {
            status = "\(error)"   // e.g. "configuration rejected (INVALID_KEY): ..."
        }
    }

    func connect() {
        do { try manager?.connection.startVPNTunnel() } catch { status = "\(error)" }
    }

    /// Stops the tunnel: on-demand is switched off first, or the system would
    /// start it again at once.
    func disconnect() async {
        guard let manager = manager else { return }
        do { try await TunnelManagerInstaller.disconnect(manager) } catch { status = "\(error)" }
    }

    /// The extension's newest log lines, read from the App Group container.
    func refreshLog() {
        guard let container = FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: "group.io.culvert.example"),
              let lines = try? RingLog.read(url: container.appendingPathComponent(RingLog.fileName), limit: 20)
        else { return }
        logText = lines.map { "\($0.level) \($0.text)" }.joined(separator: "\n")
    }

    /// Asks the extension for statistics; it answers from its cache at once.
    func refreshStats() {
        guard let session = manager?.connection as? NETunnelProviderSession else { return }
        // The reply comes on a NetworkExtension queue, not the main thread: the
        // handler is explicitly @Sendable (nonisolated). Without it, Swift 6 infers
        // it @MainActor from this method and traps at run time when it is called.
        try? session.sendProviderMessage(AppMessageRequest.stats.encoded()) { @Sendable [weak self] data in
            guard let data = data, let reply = try? AppMessageReply.decode(data) else { return }
            let peers = reply.stats?.peers.map { "\($0.endpoint ?? "?") rx \($0.rxBytes) tx \($0.txBytes)" } ?? []
            let line = "\(reply.tunnelState ?? reply.adapterState.rawValue): " + peers.joined(separator: "; ")
            Task { @MainActor [weak self] in self?.statsLine = line }
        }
    }

    private func keychainGroup() -> String? {
        // "<TeamID>.io.culvert.example.shared", the group both targets list.
        guard let prefix = Bundle.main.object(forInfoDictionaryKey: "AppIdentifierPrefix") as? String else { return nil }
        return prefix + "io.culvert.example.shared"
    }
}

struct TunnelView: View {
    @StateObject private var model = TunnelModel()

    var body: some View {
        VStack(alignment: .leading, spacing: 12) {
            Text("wg-quick configuration").font(.headline)
            TextEditor(text: $model.configText).font(.system(.footnote, design: .monospaced)).border(.secondary)
            HStack {
                Button("Install") { Task { await model.install() } }
                Button("Connect") { model.connect() }
                Button("Disconnect") { Task { await model.disconnect() } }
                Button("Stats") { model.refreshStats() }
                Button("Log") { model.refreshLog() }
            }
            Text(model.status).font(.footnote)
            Text(model.statsLine).font(.footnote)
            Text(model.logText).font(.system(.caption2, design: .monospaced))
        }
        .padding()
    }
}
