//! The Windows build as Windows runs it (these tests run under Wine in CI): one console program
//! whose manifest asks for no console window from Explorer, and that prints to the console it
//! was started from and returns its exit code.

use crate::run_syncready;

/// The PE header's subsystem field and the embedded manifest of syncready.exe.
fn subsystem_and_manifest() -> (u16, String) {
    let image = std::fs::read(env!("CARGO_BIN_EXE_syncready")).unwrap();
    let pe = u32::from_le_bytes(image[0x3c..0x40].try_into().unwrap()) as usize;
    assert_eq!(&image[pe..pe + 4], b"PE\0\0");
    // The optional header follows the 20-byte COFF header; Subsystem is at offset 68 in it.
    let optional = pe + 4 + 20;
    assert_eq!(u16::from_le_bytes([image[optional], image[optional + 1]]), 0x20b, "a PE32+ image");
    let subsystem = u16::from_le_bytes([image[optional + 68], image[optional + 69]]);
    let text = String::from_utf8_lossy(&image);
    let start = text.find("<assembly").expect("an embedded manifest");
    let end = start + text[start..].find("</assembly>").expect("a whole manifest") + "</assembly>".len();
    (subsystem, text[start..end].to_owned())
}

#[test]
fn the_executable_is_a_console_program_that_asks_explorer_for_no_console_window() {
    let (subsystem, manifest) = subsystem_and_manifest();
    assert_eq!(subsystem, 3, "IMAGE_SUBSYSTEM_WINDOWS_CUI: cmd and PowerShell wait and see the exit code");
    assert!(
        manifest.contains(
            "<consoleAllocationPolicy xmlns=\"http://schemas.microsoft.com/SMI/2024/WindowsSettings\">detached</consoleAllocationPolicy>"
        ),
        "{manifest}"
    );
    assert!(manifest.contains("<requestedExecutionLevel level=\"asInvoker\""), "no elevation prompt: {manifest}");
}

#[test]
fn a_command_prints_to_its_console_and_returns_its_exit_code() {
    let rules = run_syncready(&["rules"]);
    assert_eq!(rules.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&rules.stdout).contains("UPN001"), "the catalogue is printed");
    let dir = crate::temp_dir("windows-console");
    let out = dir.join("out");
    let scan = run_syncready(&["scan", "--out", out.to_str().unwrap()]);
    assert_eq!(scan.status.code(), Some(1), "the demo has findings");
    assert!(String::from_utf8_lossy(&scan.stdout).contains("findings"), "{scan:?}");
    let missing = run_syncready(&["scan", "--ldif", dir.join("missing.ldif").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing.ldif"), "{missing:?}");
}
