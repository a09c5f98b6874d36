/**
 * Finds the native module (TurboModule on the new architecture, the bridge
 * module on the old one) and its event emitter.
 */
import { NativeEventEmitter, NativeModules, Platform } from 'react-native';
import { CulvertError } from './errors';
import NativeCulvert, { type Spec } from './NativeCulvert';

/** Names of the events the native bridges emit. */
export const NATIVE_EVENTS = {
  state: 'CulvertStateChanged',
  handshake: 'CulvertHandshake',
  /** Android: per-peer statistics (the `getStats` map), sent after each handshake event. */
  stats: 'CulvertStats',
} as const;

const LINKING_ERROR =
  "The native module 'Culvert' of react-native-culvert is not linked. Make sure that:\n" +
  (Platform.OS === 'ios' ? "- you ran 'pod install' in ios/\n" : '') +
  '- you rebuilt the app after installing the package\n' +
  '- you are not running in Expo Go (use a development build with the config plugin)\n';

let cached: Spec | null = null;
let emitter: NativeEventEmitter | null = null;

/** The native module; throws `NATIVE_MODULE_MISSING` when it is not linked. */
export function nativeModule(): Spec {
  if (cached) return cached;
  const legacy = (NativeModules as Record<string, Spec | undefined>).Culvert;
  const mod = NativeCulvert ?? legacy ?? null;
  if (!mod) throw new CulvertError('NATIVE_MODULE_MISSING', LINKING_ERROR);
  cached = mod;
  return mod;
}

/** The shared emitter of native events. */
export function nativeEmitter(): NativeEventEmitter {
  if (!emitter) emitter = new NativeEventEmitter(nativeModule());
  return emitter;
}

/** Forgets the cached module and emitter (tests only). */
export function resetNativeForTesting(): void {
  cached = null;
  emitter = null;
}
