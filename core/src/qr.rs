//! One entry point for anything a user scans: a wg-quick config, `WIFI:` or `DPP:`.
