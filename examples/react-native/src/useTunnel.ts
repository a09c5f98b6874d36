/** Hooks over react-native-culvert: the UI state machine and live stats. */
import { useEffect, useState } from 'react';
import Culvert, { type CulvertError, type TunnelSnapshot, type TunnelStats } from 'react-native-culvert';

/** The tunnel state as the UI should show it, updated on every change. */
export function useTunnelState(): TunnelSnapshot {
  const [snapshot, setSnapshot] = useState<TunnelSnapshot>(Culvert.currentState());
  useEffect(() => {
    const sub = Culvert.addListener('stateChanged', () => { setSnapshot(Culvert.currentState()); });
    // Pick up a tunnel that was already running (always-on, on-demand, app restart).
    Culvert.getStatus().then(() => { setSnapshot(Culvert.currentState()); }).catch(() => undefined);
    return () => { sub.remove(); };
  }, []);
  return snapshot;
}

/** Polls statistics once a second while `active`. */
export function useStats(active: boolean): { stats: TunnelStats | null; error: CulvertError | null } {
  const [stats, setStats] = useState<TunnelStats | null>(null);
  const [error, setError] = useState<CulvertError | null>(null);
  useEffect(() => {
    if (!active) {
      setStats(null);
      return undefined;
    }
    return Culvert.watchStats(1000, (s) => { setStats(s); setError(null); }, setError);
  }, [active]);
  return { stats, error };
}
