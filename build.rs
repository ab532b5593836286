//! Build script: embeds the Windows application manifest (`windows/syncready.exe.manifest`) in
//! syncready.exe when building for Windows, and sets `cfg(gssapi)` where the bind with no user
//! works: on Windows always (SSPI), elsewhere with the `kerberos` feature (the ticket cache).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=windows/syncready.exe.manifest");
    println!("cargo::rustc-check-cfg=cfg(gssapi)");
    let windows = std::env::var_os("CARGO_CFG_WINDOWS").is_some();
    if windows || std::env::var_os("CARGO_FEATURE_KERBEROS").is_some() {
        println!("cargo::rustc-cfg=gssapi");
    }
    if windows {
        embed_manifest::embed_manifest_file("windows/syncready.exe.manifest").expect("embedding the Windows manifest");
    }
}
