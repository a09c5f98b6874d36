/**
 * Culvert example: three screens — a tunnel from a pasted wg-quick config, a
 * QR entry point (paste or scan the text of a WireGuard or Wi-Fi QR code), and
 * a hotspot join screen.
 */
import React, { useState } from 'react';
import { Pressable, SafeAreaView, StyleSheet, Text, View } from 'react-native';
import { HotspotScreen } from './src/HotspotScreen';
import { QrScreen } from './src/QrScreen';
import { TunnelScreen } from './src/TunnelScreen';

type Tab = 'tunnel' | 'qr' | 'hotspot';

export default function App(): React.JSX.Element {
  const [tab, setTab] = useState<Tab>('tunnel');
  const [configText, setConfigText] = useState('');
  const [hotspotText, setHotspotText] = useState('');

  return (
    <SafeAreaView style={styles.root}>
      <View style={styles.tabs}>
        {(['tunnel', 'qr', 'hotspot'] as const).map((t) => (
          <Pressable key={t} onPress={() => { setTab(t); }} style={[styles.tab, tab === t && styles.tabActive]}>
            <Text style={styles.tabText}>{t === 'tunnel' ? 'Tunnel' : t === 'qr' ? 'Scan QR' : 'Wi-Fi'}</Text>
          </Pressable>
        ))}
      </View>
      {tab === 'tunnel' && <TunnelScreen configText={configText} onConfigText={setConfigText} />}
      {tab === 'qr' && (
        <QrScreen
          onWireGuard={(text) => { setConfigText(text); setTab('tunnel'); }}
          onWifi={(text) => { setHotspotText(text); setTab('hotspot'); }}
        />
      )}
      {tab === 'hotspot' && <HotspotScreen text={hotspotText} onText={setHotspotText} />}
    </SafeAreaView>
  );
}

const styles = StyleSheet.create({
  root: { flex: 1, backgroundColor: '#fff' },
  tabs: { flexDirection: 'row', borderBottomWidth: 1, borderColor: '#ddd' },
  tab: { flex: 1, padding: 12, alignItems: 'center' },
  tabActive: { borderBottomWidth: 2, borderColor: '#0a7' },
  tabText: { fontWeight: '600' },
});
