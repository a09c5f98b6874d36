/**
 * Typed errors: every promise of this module rejects with a {@link CulvertError}
 * (or its subclasses {@link ConfigError} and {@link HotspotError}), whatever the
 * native side threw.
 */
import type { ConfigErrorInfo, ConfigErrorKind, ConfigSection } from './types';

/** Error codes of the tunnel API. */
export type CulvertErrorCode =
  /** A JS argument was wrong (type, range, combination); nothing reached the native side. */
  | 'INVALID_ARGUMENT'
  /** The config text was rejected; see {@link ConfigError}. */
  | 'CONFIG_INVALID'
  /** The user declined VPN consent (Android) or the VPN configuration prompt (iOS). */
  | 'VPN_PERMISSION_DENIED'
  /** `connect` was called before `prepare` succeeded. */
  | 'VPN_NOT_PREPARED'
  /** The iOS Packet Tunnel extension or the Android service failed to start or answer. */
  | 'PROVIDER_ERROR'
  /** The extension/service did not answer in time (e.g. a stats request). */
  | 'TIMEOUT'
  /** Another `prepare`/`connect`/`disconnect` is still running. */
  | 'BUSY'
  /** Not available on this OS version or platform. */
  | 'UNSUPPORTED'
  /** The native module is not linked into the app (pod install / rebuild missing). */
  | 'NATIVE_MODULE_MISSING'
  /** The native side answered with something this JS version does not understand. */
  | 'NATIVE_PROTOCOL'
  | 'UNKNOWN';

/** Every {@link CulvertErrorCode}, for runtime checks. */
export const CULVERT_ERROR_CODES: readonly CulvertErrorCode[] = [
  'INVALID_ARGUMENT',
  'CONFIG_INVALID',
  'VPN_PERMISSION_DENIED',
  'VPN_NOT_PREPARED',
  'PROVIDER_ERROR',
  'TIMEOUT',
  'BUSY',
  'UNSUPPORTED',
  'NATIVE_MODULE_MISSING',
  'NATIVE_PROTOCOL',
  'UNKNOWN',
];

/**
 * Error codes of `hotspot.connect` / `hotspot.currentSsid`. The names are those
 * of react-native-wifi-reborn where the meaning is the same, so apps moving
 * over can keep their error handling; the rest are Culvert's own.
 */
export type HotspotErrorCode =
  // Shared with react-native-wifi-reborn:
  /** iOS: the OS is too old for this network type (e.g. Passpoint, WPA3). */
  | 'unavailableForOSVersion'
  /** The configuration was rejected by the OS as invalid. */
  | 'invalid'
  | 'invalidSSID'
  | 'invalidPassphrase'
  /** The user declined joining (iOS alert, Android suggestion/specifier dialog). */
  | 'userDenied'
  /** Android: location permission needed and not granted. */
  | 'locationPermissionMissing'
  /** iOS: location permission denied. */
  | 'locationPermissionDenied'
  | 'locationServicesOff'
  /** The network was not found in range. */
  | 'didNotFindNetwork'
  /** Wrong password or EAP credentials. */
  | 'authenticationErrorOccurred'
  | 'timeoutOccurred'
  | 'couldNotDetectSSID'
  /** Anything else the OS reported. */
  | 'unableToConnect'
  // Culvert's own:
  /** The text could not be parsed as a hotspot configuration. */
  | 'invalidConfig'
  /** The platform cannot join this security type (e.g. WEP via Android suggestions). */
  | 'unsupportedSecurity'
  /** The EAP settings were rejected. */
  | 'invalidEAPSettings'
  /** iOS: the "Hotspot Configuration" entitlement is missing. */
  | 'entitlementMissing'
  /** Android: the app has too many network suggestions already. */
  | 'tooManySuggestions';

/** Every {@link HotspotErrorCode}, for runtime checks. */
export const HOTSPOT_ERROR_CODES: readonly HotspotErrorCode[] = [
  'unavailableForOSVersion',
  'invalid',
  'invalidSSID',
  'invalidPassphrase',
  'userDenied',
  'locationPermissionMissing',
  'locationPermissionDenied',
  'locationServicesOff',
  'didNotFindNetwork',
  'authenticationErrorOccurred',
  'timeoutOccurred',
  'couldNotDetectSSID',
  'unableToConnect',
  'invalidConfig',
  'unsupportedSecurity',
  'invalidEAPSettings',
  'entitlementMissing',
  'tooManySuggestions',
];

/** The base error of `react-native-culvert`. */
export class CulvertError extends Error {
  /** What went wrong, for `switch` statements. */
  readonly code: CulvertErrorCode;
  /** The code the native side used, when it differs from `code` (for bug reports). */
  readonly nativeCode: string | null;

  constructor(code: CulvertErrorCode, message: string, nativeCode: string | null = null) {
    super(message);
    this.name = 'CulvertError';
    this.code = code;
    this.nativeCode = nativeCode;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** A config was rejected; carries the same location fields as {@link ConfigErrorInfo}. */
export class ConfigError extends CulvertError implements ConfigErrorInfo {
  readonly kind: ConfigErrorKind;
  readonly section: ConfigSection | null;
  readonly key: string | null;
  readonly line: number | null;

  constructor(info: ConfigErrorInfo) {
    super('CONFIG_INVALID', info.message);
    this.name = 'ConfigError';
    this.kind = info.kind;
    this.section = info.section;
    this.key = info.key;
    this.line = info.line;
    Object.setPrototypeOf(this, new.target.prototype);
  }

  /** The error as a plain {@link ConfigErrorInfo} object. */
  toInfo(): ConfigErrorInfo {
    return { kind: this.kind, section: this.section, key: this.key, line: this.line, message: this.message };
  }
}

/**
 * A hotspot operation failed. Switch on {@link HotspotError.reason}; `code` is
 * `CONFIG_INVALID` for unparsable input and `PROVIDER_ERROR` otherwise.
 */
export class HotspotError extends CulvertError {
  /** What went wrong, with react-native-wifi-reborn's names where they exist. */
  readonly reason: HotspotErrorCode;

  constructor(reason: HotspotErrorCode, message: string, nativeCode: string | null = null) {
    super(reason === 'invalidConfig' ? 'CONFIG_INVALID' : 'PROVIDER_ERROR', message, nativeCode);
    this.name = 'HotspotError';
    this.reason = reason;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Shorthand for an `INVALID_ARGUMENT` error. */
export function invalidArgument(message: string): CulvertError {
  return new CulvertError('INVALID_ARGUMENT', message);
}
