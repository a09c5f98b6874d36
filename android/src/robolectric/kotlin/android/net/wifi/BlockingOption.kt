package android.net.wifi

/**
 * A stand-in for API 36's `android.net.wifi.BlockingOption`: Robolectric 4.17's
 * `ShadowWifiManager` names it in a method signature, and the newest framework jar
 * that Java 17 can load (API 35) does not have it. Never instantiated.
 */
class BlockingOption private constructor()
