/**
 * QR entry point. A camera scanner (e.g. react-native-vision-camera's
 * `useCodeScanner`) hands the decoded text to `handle`; here the text can also
 * be pasted, which is all a simulator can do.
 */
import React, { useState } from 'react';
import { Button, StyleSheet, Text, TextInput, View } from 'react-native';
import Culvert, { CulvertError } from 'react-native-culvert';

export function QrScreen(props: { onWireGuard: (text: string) => void; onWifi: (text: string) => void }): React.JSX.Element {
  const [text, setText] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const handle = async (scanned: string): Promise<void> => {
    setMessage(null);
    try {
      const result = await Culvert.parseQr(scanned);
      if (result.type === 'wireguard') props.onWireGuard(scanned);
      else props.onWifi(scanned);
    } catch (e) {
      setMessage(e instanceof CulvertError ? e.message : String(e));
    }
  };

  return (
    <View style={styles.body}>
      <Text>Scanned QR text (WireGuard config, WIFI: or DPP:)</Text>
      <TextInput style={styles.input} multiline autoCapitalize="none" value={text} onChangeText={setText} />
      <Button title="Use" disabled={text.trim() === ''} onPress={() => { void handle(text); }} />
      {message && <Text style={styles.error}>{message}</Text>}
    </View>
  );
}

const styles = StyleSheet.create({
  body: { padding: 16, gap: 8 },
  input: { minHeight: 120, borderWidth: 1, borderColor: '#ccc', borderRadius: 6, padding: 8 },
  error: { color: '#b00' },
});
