//! The console of the one executable that is both the app and the CLI. syncready.exe is a
//! console program, so a command typed in cmd or PowerShell prints there and its exit code is
//! seen; its manifest asks Windows 11 24H2 and later not to open a console when Explorer starts
//! it. Older Windows still open one for a double-click: the app then hides and releases it.

/// What the app does with the console it was started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleUse {
    /// No console (the manifest's policy, or not Windows).
    None,
    /// A console shared with the shell that started us: keep it for messages.
    Shared,
    /// A console Windows opened for this process alone (a double-click on an older Windows):
    /// hide and release it.
    OwnWindow,
}

/// Classifies a console by how many processes are attached to it (0: none).
pub fn classify(attached_processes: u32) -> ConsoleUse {
    match attached_processes {
        0 => ConsoleUse::None,
        1 => ConsoleUse::OwnWindow,
        _ => ConsoleUse::Shared,
    }
}

/// Called when the app (not a CLI command) starts: releases a console window that was opened
/// for this process alone, so a double-click shows only the app's window. Returns what it found.
pub fn release_own_console() -> ConsoleUse {
    let found = classify(imp::attached_processes());
    if found == ConsoleUse::OwnWindow {
        imp::hide_and_free();
    }
    found
}

#[cfg(windows)]
mod imp {
    use windows_sys::Win32::System::Console::{FreeConsole, GetConsoleProcessList, GetConsoleWindow};
    use windows_sys::Win32::UI::WindowsAndMessaging::{SW_HIDE, ShowWindow};

    pub fn attached_processes() -> u32 {
        // SAFETY: plain Win32 calls; the list buffer is as long as the length passed.
        unsafe {
            if GetConsoleWindow().is_null() {
                return 0;
            }
            let mut list = [0u32; 2];
            GetConsoleProcessList(list.as_mut_ptr(), list.len() as u32)
        }
    }

    pub fn hide_and_free() {
        // SAFETY: the window handle comes from GetConsoleWindow and is checked for null.
        unsafe {
            let window = GetConsoleWindow();
            if !window.is_null() {
                ShowWindow(window, SW_HIDE);
            }
            FreeConsole();
        }
    }
}

#[cfg(not(windows))]
mod imp {
    pub fn attached_processes() -> u32 {
        0
    }

    pub fn hide_and_free() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_console_of_our_own_is_released() {
        assert_eq!(classify(0), ConsoleUse::None);
        assert_eq!(classify(1), ConsoleUse::OwnWindow);
        assert_eq!(classify(2), ConsoleUse::Shared);
        assert_eq!(classify(5), ConsoleUse::Shared);
    }

    #[test]
    fn a_test_run_from_a_shell_keeps_its_console() {
        // cargo test (under Wine too) starts this process from a shell or a pipe: never a
        // console of its own, so nothing is released.
        assert_ne!(release_own_console(), ConsoleUse::OwnWindow);
    }
}
