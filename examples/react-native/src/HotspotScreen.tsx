/** Join a Wi-Fi network from a WIFI: / DPP: / profile text, and show the current SSID. */
import React, { useEffect, useState } from 'react';
import { Button, StyleSheet, Switch, Text, TextInput, View } from 'react-native';
import Culvert, { HotspotError, type CurrentSsid, type HotspotConfig } from 'react-native-culvert';

const REASON_TEXT: Record<string, string> = {
  userDenied: 'You declined joining the network.',
  invalidPassphrase: 'The password is not valid for this network.',
  didNotFindNetwork: 'The network is not in range.',
  entitlementMissing: 'The app lacks the Hotspot Configuration entitlement.',
  unsupportedSecurity: 'This phone cannot join this kind of network from an app.',
};

export function HotspotScreen(props: { text: string; onText: (t: string) => void }): React.JSX.Element {
  const { text, onText } = props;
  const [preview, setPreview] = useState<HotspotConfig | null>(null);
  const [joinOnce, setJoinOnce] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [current, setCurrent] = useState<CurrentSsid | null>(null);

  const refreshSsid = (): void => {
    Culvert.hotspot.currentSsid().then(setCurrent).catch(() => undefined);
  };
  useEffect(refreshSsid, []);

  useEffect(() => {
    if (text.trim() === '') {
      setPreview(null);
      return;
    }
    Culvert.hotspot.parse(text).then(setPreview, () => { setPreview(null); });
  }, [text]);

  const join = async (): Promise<void> => {
    setMessage(null);
    try {
      // The text goes to native as is: the password is parsed there and never logged.
      const r = await Culvert.hotspot.connect(text, { joinOnce });
      setMessage(r.alreadyConnected ? 'Already on this network.' : `Requested (${r.method}).`);
      refreshSsid();
    } catch (e) {
      if (e instanceof HotspotError) setMessage(REASON_TEXT[e.reason] ?? `${e.reason}: ${e.message}`);
      else setMessage(String(e));
    }
  };

  return (
    <View style={styles.body}>
      <Text>
        Current Wi-Fi: {current === null ? '…' : current.ssid ?? `unknown — ${current.message}`}
      </Text>
      <TextInput style={styles.input} multiline autoCapitalize="none" placeholder="WIFI:T:WPA;S:Cafe;P:…;;" value={text} onChangeText={onText} />
      {preview && (
        <Text>
          {preview.ssid ?? preview.passpoint?.domain} · {preview.security}
          {preview.hidden ? ' · hidden' : ''}
        </Text>
      )}
      <View style={styles.row}>
        <Text>Join once (app-only connection)</Text>
        <Switch value={joinOnce} onValueChange={setJoinOnce} />
      </View>
      <Button title="Join" disabled={!preview} onPress={() => { void join(); }} />
      {message && <Text>{message}</Text>}
    </View>
  );
}

const styles = StyleSheet.create({
  body: { padding: 16, gap: 8 },
  input: { minHeight: 100, borderWidth: 1, borderColor: '#ccc', borderRadius: 6, padding: 8 },
  row: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center' },
});
