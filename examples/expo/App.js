// A minimal screen over react-native-culvert: paste a wg-quick config, connect,
// disconnect, see the state. The full example UI is in ../react-native.
import React, { useEffect, useState } from 'react';
import { Button, SafeAreaView, Text, TextInput } from 'react-native';
import { connect, disconnect, getStatus, prepare } from 'react-native-culvert';

export default function App() {
  const [config, setConfig] = useState('');
  const [status, setStatus] = useState('unknown');
  const [error, setError] = useState('');
  const refresh = () => getStatus().then((s) => setStatus(s.state), (e) => setError(String(e.message ?? e)));
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, []);
  const run = (fn) => () => fn().then(refresh, (e) => setError(`${e.code ?? ''} ${e.message ?? e}`));
  return (
    <SafeAreaView style={{ flex: 1, padding: 16, gap: 8 }}>
      <Text>Culvert: {status}</Text>
      <TextInput multiline value={config} onChangeText={setConfig} placeholder="[Interface] ..." style={{ minHeight: 160, borderWidth: 1 }} />
      <Button title="Connect" onPress={run(async () => { await prepare(); await connect(config); })} />
      <Button title="Disconnect" onPress={run(disconnect)} />
      {error ? <Text>{error}</Text> : null}
    </SafeAreaView>
  );
}
