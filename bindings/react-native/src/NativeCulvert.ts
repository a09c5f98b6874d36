/**
 * The TurboModule spec of `react-native-culvert`.
 *
 * React Native's codegen reads this file (see `codegenConfig` in package.json)
 * and generates `NativeCulvertSpec` for Android (Java, package
 * `io.culvert.reactnative`) and the `NativeCulvertSpec` protocol / JSI glue for
 * iOS. With the old architecture the same methods are exported through the
 * bridge (`NativeModules.Culvert`), so one native implementation serves both.
 *
 * Results cross the boundary as plain objects (`UnsafeObject`) and are checked
 * and typed by the TypeScript layer (`src/mapping.ts`): apps never call this
 * module directly, they use the functions exported from `index.ts`.
 *
 * @internal
 */
import type { CodegenTypes, TurboModule } from 'react-native';
import { TurboModuleRegistry } from 'react-native';

export interface Spec extends TurboModule {
  /** Parses wg-quick text. Resolves `{ ok, config?, warnings?, error? }`; never rejects for bad text. */
  parseConfig(text: string): Promise<CodegenTypes.UnsafeObject>;
  /** Classifies and parses QR text (wg-quick, `WIFI:`, `DPP:`). Resolves `{ ok, type?, config?, hotspot?, error? }`. */
  parseQr(text: string): Promise<CodegenTypes.UnsafeObject>;
  /** Android: VPN consent (`VpnService.prepare`); iOS: installs/loads the `NETunnelProviderManager`. */
  prepare(options: CodegenTypes.UnsafeObject): Promise<CodegenTypes.UnsafeObject>;
  /** Starts the tunnel from wg-quick text; resolves once the OS accepted the start request. */
  connect(configText: string, options: CodegenTypes.UnsafeObject): Promise<void>;
  /** Stops the tunnel; resolves once the OS accepted the stop request. */
  disconnect(): Promise<void>;
  /** Current state `{ state, reason?, message?, since?, prepared, tunnelName? }`. */
  getStatus(): Promise<CodegenTypes.UnsafeObject>;
  /** Per-peer statistics `{ listenPort, peers: [...], collectedAt }`. */
  getStats(): Promise<CodegenTypes.UnsafeObject>;
  /** Parses a hotspot description (`WIFI:`, `DPP:`, `.mobileconfig`, Passpoint profile). */
  hotspotParse(text: string): Promise<CodegenTypes.UnsafeObject>;
  /** Joins a Wi-Fi network: `{ text }` (parsed natively) or `{ config }`, plus `options`. */
  hotspotConnect(request: CodegenTypes.UnsafeObject): Promise<CodegenTypes.UnsafeObject>;
  /** `{ ssid }` or `{ ssid: null, reason, message }`. */
  hotspotCurrentSsid(): Promise<CodegenTypes.UnsafeObject>;

  /** Event-emitter plumbing required by `NativeEventEmitter` on both architectures. */
  addListener(eventName: string): void;
  removeListeners(count: number): void;
}

export default TurboModuleRegistry.get<Spec>('Culvert');
