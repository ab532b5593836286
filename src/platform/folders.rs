//! Default folders, by each system's convention: journals and app data in the user's local
//! application data (`%LOCALAPPDATA%\syncready\` on Windows, `~/.local/share/syncready/` on
//! Linux, `~/Library/Application Support/syncready/` on macOS).

use std::path::PathBuf;

/// syncready's folder in the user's local application data; the working folder's `syncready`
/// when the system names none (no profile, no home).
pub fn data_dir() -> PathBuf {
    dirs::data_local_dir().unwrap_or_default().join("syncready")
}

/// Where new apply and undo journals go unless another path is given.
pub fn journals_dir() -> PathBuf {
    data_dir().join("journals")
}

/// The file the app keeps its settings and window layout in.
pub fn app_settings_file() -> PathBuf {
    data_dir().join("app.ron")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(windows)]
    #[test]
    fn windows_folders_are_under_local_app_data() {
        // The known folder, as Explorer resolves %LOCALAPPDATA%.
        let local = PathBuf::from(std::env::var_os("LOCALAPPDATA").expect("LOCALAPPDATA is set on Windows"));
        assert_eq!(data_dir(), local.join("syncready"));
        assert_eq!(journals_dir(), local.join("syncready").join("journals"));
        assert_eq!(app_settings_file(), local.join("syncready").join("app.ron"));
        assert!(
            journals_dir().to_string_lossy().contains("\\AppData\\Local\\syncready\\journals"),
            "{:?}",
            journals_dir()
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_folders_follow_xdg() {
        let expected = match std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).filter(|p| p.is_absolute()) {
            Some(data) => data.join("syncready"),
            None => PathBuf::from(std::env::var_os("HOME").unwrap()).join(".local/share/syncready"),
        };
        assert_eq!(data_dir(), expected);
        assert_eq!(journals_dir(), expected.join("journals"));
    }
}
