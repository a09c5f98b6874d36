/**
 * A fake of the native module and of `react-native`'s event plumbing, used
 * with `jest.mock('react-native', ...)`. Every native method is a jest.fn()
 * whose behaviour each test sets; `emit` plays a native event.
 */
type Handler = (payload: unknown) => void;

export interface FakeNative {
  parseConfig: jest.Mock;
  parseQr: jest.Mock;
  prepare: jest.Mock;
  connect: jest.Mock;
  disconnect: jest.Mock;
  getStatus: jest.Mock;
  getStats: jest.Mock;
  hotspotParse: jest.Mock;
  hotspotConnect: jest.Mock;
  hotspotCurrentSsid: jest.Mock;
  addListener: jest.Mock;
  removeListeners: jest.Mock;
}

// Shared through globalThis so that it survives jest.resetModules() (the mock
// factory and the test file may then hold different instances of this file).
const g = globalThis as unknown as { __culvertMock?: { handlers: Map<string, Set<Handler>>; registry: Registry } };
interface Registry {
  turbo: FakeNative | null;
  legacy: FakeNative | null;
  os: 'ios' | 'android';
}
g.__culvertMock ??= { handlers: new Map(), registry: { turbo: null, legacy: null, os: 'ios' } };
export const handlers = g.__culvertMock.handlers;

export function makeFakeNative(): FakeNative {
  return {
    parseConfig: jest.fn(),
    parseQr: jest.fn(),
    prepare: jest.fn(),
    connect: jest.fn(),
    disconnect: jest.fn(),
    getStatus: jest.fn(),
    getStats: jest.fn(),
    hotspotParse: jest.fn(),
    hotspotConnect: jest.fn(),
    hotspotCurrentSsid: jest.fn(),
    addListener: jest.fn(),
    removeListeners: jest.fn(),
  };
}

/** What the mocked `react-native` hands out; tests set `turbo` / `legacy`. */
export const registry: Registry = g.__culvertMock.registry;

/** Plays a native event to every JS listener of `name`. */
export function emit(name: string, payload: unknown): void {
  for (const h of [...(handlers.get(name) ?? [])]) h(payload);
}

/** Number of JS listeners currently attached to `name`. */
export function listenerCount(name: string): number {
  return handlers.get(name)?.size ?? 0;
}

export function reactNativeMock(): Record<string, unknown> {
  class NativeEventEmitter {
    constructor(public readonly module: unknown) {}
    addListener(name: string, h: Handler): { remove(): void } {
      const set = handlers.get(name) ?? new Set<Handler>();
      handlers.set(name, set);
      set.add(h);
      return { remove: () => set.delete(h) };
    }
  }
  return {
    TurboModuleRegistry: { get: () => registry.turbo, getEnforcing: () => registry.turbo },
    NativeModules: new Proxy({}, { get: (_t, k) => (k === 'Culvert' ? registry.legacy : undefined) }),
    NativeEventEmitter,
    Platform: {
      get OS() {
        return registry.os;
      },
    },
  };
}

/** Native-style rejection: an Error with `code` and optional `userInfo`, as RN builds it. */
export function nativeError(code: string, message: string, userInfo?: Record<string, unknown>): Error {
  const e = new Error(message) as Error & { code: string; userInfo?: Record<string, unknown> };
  e.code = code;
  if (userInfo) e.userInfo = userInfo;
  return e;
}

export const KEY_A = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
export const KEY_B = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
export const KEY_PRIV = 'gI6EdUSYvn8ugXOt8QQD6Yc+JyiZxIhp3GInSWRfWGE=';

export const SAMPLE_CONFIG = `[Interface]
PrivateKey = ${KEY_PRIV}
Address = 10.0.0.2/32

[Peer]
PublicKey = ${KEY_B}
AllowedIPs = 0.0.0.0/0
Endpoint = 198.51.100.1:51820
`;
