//! Wi-Fi hotspot configurations: `WIFI:` QR codes, `DPP:` URIs, `.mobileconfig`, Passpoint profiles.
