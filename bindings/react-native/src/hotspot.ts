/**
 * Wi-Fi hotspot onboarding: parse a `WIFI:` QR code, a `DPP:` URI, an Apple
 * `.mobileconfig` or an Android Passpoint profile, join the network (iOS
 * `NEHotspotConfiguration`, Android network suggestions or a
 * `WifiNetworkSpecifier` request), and read the current SSID.
 *
 * Errors are {@link HotspotError}s whose `reason` uses react-native-wifi-reborn's
 * names where the meaning is the same (`userDenied`, `invalidPassphrase`,
 * `locationPermissionMissing`, `didNotFindNetwork`, ...).
 */
import { HotspotError, CulvertError } from './errors';
import { callNative, mapCurrentSsid, mapHotspotConnectResult, mapHotspotParse, mapNativeError } from './mapping';
import { nativeModule } from './native';
import type { CurrentSsid, HotspotConfig, HotspotConnectOptions, HotspotConnectResult } from './types';
import { checkConfigText, checkHotspotConfig, checkHotspotOptions } from './validate';

/**
 * Parses a hotspot description. The result includes the password (the app
 * needs it to show or re-share the network); this module never logs it.
 *
 * @throws {@link HotspotError} `invalidConfig` when the text is not a hotspot configuration.
 */
export async function parse(text: string): Promise<HotspotConfig> {
  const checked = checkConfigText(text, 'hotspot text');
  const raw = await callNative(() => nativeModule().hotspotParse(checked));
  return mapHotspotParse(raw);
}

/**
 * Joins a Wi-Fi network. Pass the scanned text itself (parsed natively, so
 * the password never crosses into JS) or a {@link HotspotConfig}.
 *
 * iOS needs the "Hotspot Configuration" entitlement; Android uses network
 * suggestions (API 29+) and shows the system approval UI the first time.
 *
 * @throws {@link HotspotError} — `userDenied`, `invalidPassphrase`,
 *   `didNotFindNetwork`, `entitlementMissing`, `unsupportedSecurity`, ...
 */
export async function connect(
  config: HotspotConfig | string,
  options?: HotspotConnectOptions,
): Promise<HotspotConnectResult> {
  const opts = checkHotspotOptions(options);
  const request =
    typeof config === 'string'
      ? { text: checkConfigText(config, 'hotspot text'), options: { ...opts } }
      : { config: { ...checkHotspotConfig(config) }, options: { ...opts } };
  try {
    const raw = await nativeModule().hotspotConnect(request);
    return mapHotspotConnectResult(raw);
  } catch (e) {
    const err = mapNativeError(e);
    if (err instanceof HotspotError || err.code === 'INVALID_ARGUMENT' || err.code === 'NATIVE_MODULE_MISSING') {
      throw err;
    }
    // Non-hotspot native errors (e.g. UNSUPPORTED) still reach the app as HotspotErrors.
    throw new HotspotError(
      err.code === 'UNSUPPORTED' ? 'unavailableForOSVersion' : 'unableToConnect',
      err.message,
      err.nativeCode ?? err.code,
    );
  }
}

/**
 * The SSID of the Wi-Fi network the device is on. When the OS will not say,
 * resolves `{ ssid: null, reason, message }` naming what is missing: the
 * location permission, location services, the iOS "Access Wi-Fi Information"
 * entitlement, or Wi-Fi itself.
 */
export async function currentSsid(): Promise<CurrentSsid> {
  const raw = await callNative(() => nativeModule().hotspotCurrentSsid());
  return mapCurrentSsid(raw);
}

export { HotspotError, CulvertError };
