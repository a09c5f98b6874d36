package io.culvert.example

import android.app.Activity
import android.content.Intent
import android.net.VpnService
import android.os.Bundle
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import io.culvert.ConfigException
import io.culvert.TunnelConfig
import io.culvert.android.CulvertVpnService

/**
 * Paste a wg-quick config, see Culvert's typed error at once, connect and disconnect.
 * Consent goes through [VpnService.prepare]: its intent is launched until it returns null.
 */
class MainActivity : Activity() {
    private lateinit var input: EditText
    private lateinit var status: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        input = EditText(this).apply { hint = "[Interface]\nPrivateKey = …" }
        status = TextView(this)
        val connect = Button(this).apply { text = "Connect"; setOnClickListener { connect() } }
        val disconnect = Button(this).apply { text = "Disconnect"; setOnClickListener { disconnect() } }
        setContentView(
            LinearLayout(this).apply {
                orientation = LinearLayout.VERTICAL
                addView(input); addView(connect); addView(disconnect); addView(status)
            },
        )
    }

    private fun connect() {
        val text = input.text.toString()
        try {
            TunnelConfig.parse(text) // the same error kinds as wireguard-android, with the line
        } catch (e: ConfigException.Invalid) {
            status.text = "Line ${e.line}: ${e.detail} (${e.kind})"
            return
        } catch (e: ConfigException) {
            status.text = e.toString()
            return
        }
        ConfigStore.save(this, text)
        val consent = VpnService.prepare(this)
        if (consent != null) startActivityForResult(consent, REQUEST_VPN) else startTunnel()
    }

    @Deprecated("Activity result API kept for minSdk 24 without androidx")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        if (requestCode == REQUEST_VPN) {
            if (resultCode == RESULT_OK) startTunnel() else status.text = "VPN permission denied"
        }
    }

    private fun startTunnel() {
        startService(Intent(this, ExampleVpnService::class.java))
        status.text = "Connecting…"
    }

    private fun disconnect() {
        startService(Intent(this, ExampleVpnService::class.java).setAction(CulvertVpnService.ACTION_STOP))
        status.text = "Disconnected"
    }

    private companion object {
        const val REQUEST_VPN = 1
    }
}
