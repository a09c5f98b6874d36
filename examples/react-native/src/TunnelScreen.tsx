/** Paste a wg-quick config, see parse errors at their line, connect, watch stats. */
import React, { useEffect, useState } from 'react';
import { Button, ScrollView, StyleSheet, Text, TextInput, View } from 'react-native';
import Culvert, { CulvertError, type ParseConfigResult } from 'react-native-culvert';
import { useStats, useTunnelState } from './useTunnel';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function TunnelScreen(props: { configText: string; onConfigText: (t: string) => void }): React.JSX.Element {
  const { configText, onConfigText } = props;
  const tunnel = useTunnelState();
  const up = tunnel.state === 'connected' || tunnel.state === 'reasserting';
  const { stats, error: statsError } = useStats(up);
  const [parsed, setParsed] = useState<ParseConfigResult | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  // Validate as the user types (the native parser, same errors as iOS/Android/Rust).
  useEffect(() => {
    if (configText.trim() === '') {
      setParsed(null);
      return undefined;
    }
    let live = true;
    const t = setTimeout(() => {
      Culvert.parseConfig(configText).then((r) => { if (live) setParsed(r); }).catch(() => undefined);
    }, 300);
    return () => { live = false; clearTimeout(t); };
  }, [configText]);

  const connect = async (): Promise<void> => {
    setActionError(null);
    try {
      await Culvert.prepare({ tunnelName: 'Culvert example' });
      await Culvert.connect(configText, { tunnelName: 'Culvert example' });
    } catch (e) {
      setActionError(e instanceof CulvertError ? `${e.code}: ${e.message}` : String(e));
    }
  };

  const disconnect = async (): Promise<void> => {
    setActionError(null);
    try {
      await Culvert.disconnect();
    } catch (e) {
      setActionError(e instanceof CulvertError ? `${e.code}: ${e.message}` : String(e));
    }
  };

  return (
    <ScrollView contentContainerStyle={styles.body}>
      <Text style={styles.label}>wg-quick config</Text>
      <TextInput
        style={styles.input}
        multiline
        autoCapitalize="none"
        autoCorrect={false}
        secureTextEntry={false}
        placeholder={'[Interface]\nPrivateKey = …\nAddress = 10.0.0.2/32\n\n[Peer]\n…'}
        value={configText}
        onChangeText={onConfigText}
      />
      {parsed && !parsed.ok && (
        <Text style={styles.error}>
          {parsed.error.line !== null ? `Line ${parsed.error.line}: ` : ''}
          {parsed.error.message} ({parsed.error.kind})
        </Text>
      )}
      {parsed?.ok && (
        <Text style={styles.info}>
          {parsed.config.interface.addresses.join(', ')} · {parsed.config.peers.length} peer(s)
          {parsed.warnings.map((w) => `\n⚠ ${w.message}`).join('')}
        </Text>
      )}

      <View style={styles.row}>
        <Button title="Connect" disabled={!parsed?.ok || up || tunnel.state === 'connecting'} onPress={() => { void connect(); }} />
        <Button title="Disconnect" disabled={tunnel.state === 'disconnected'} onPress={() => { void disconnect(); }} />
      </View>
      <Text style={styles.state}>
        {tunnel.state}
        {tunnel.pending ? '…' : ''}
        {tunnel.reason ? ` (${tunnel.reason})` : ''}
      </Text>
      {tunnel.message && <Text style={styles.info}>{tunnel.message}</Text>}
      {actionError && <Text style={styles.error}>{actionError}</Text>}

      {stats?.peers.map((p) => (
        <View key={p.publicKey} style={styles.peer}>
          <Text style={styles.mono}>{p.publicKey.slice(0, 12)}… {p.endpoint ?? ''}</Text>
          <Text>↓ {formatBytes(p.rxBytes)}  ↑ {formatBytes(p.txBytes)}</Text>
          <Text>
            Handshake: {p.lastHandshake ? `${Math.round((Date.now() - p.lastHandshake.getTime()) / 1000)} s ago` : 'none yet'}
            {p.rttMs !== null ? ` · RTT ${p.rttMs} ms` : ''}
          </Text>
        </View>
      ))}
      {statsError && <Text style={styles.error}>Stats: {statsError.message}</Text>}
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  body: { padding: 16, gap: 8 },
  label: { fontWeight: '600' },
  input: { minHeight: 180, borderWidth: 1, borderColor: '#ccc', borderRadius: 6, padding: 8, fontFamily: 'Courier', textAlignVertical: 'top' },
  row: { flexDirection: 'row', justifyContent: 'space-around', marginVertical: 8 },
  state: { fontSize: 20, textAlign: 'center' },
  error: { color: '#b00' },
  info: { color: '#555' },
  peer: { borderTopWidth: 1, borderColor: '#eee', paddingTop: 8 },
  mono: { fontFamily: 'Courier' },
});
