//! Files only their owner can read: a journal holds the old and new values of every change,
//! so it is created readable and writable by the user who runs the apply and nobody else
//! (mode 0600 on Unix; on Windows a protected DACL with one entry, full control for the
//! user's SID, set atomically when the file is created). An existing file is never opened.

use std::fs::File;
use std::io;
use std::path::Path;

/// Creates `path` (it must not exist) so that only the current user can open it.
pub fn create_private(path: &Path) -> io::Result<File> {
    imp::create_private(path)
}

/// The Windows security descriptor, in SDDL, of a file only `user_sid` may open: the user owns
/// it, and the DACL is protected (no entry inherited from the folder) with one entry granting
/// that user full control.
pub fn owner_only_sddl(user_sid: &str) -> String {
    format!("O:{user_sid}D:P(A;;FA;;;{user_sid})")
}

#[cfg(unix)]
mod imp {
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::os::unix::fs::OpenOptionsExt as _;
    use std::path::Path;

    pub fn create_private(path: &Path) -> io::Result<File> {
        OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
    }
}

#[cfg(windows)]
pub(crate) mod imp {
    use std::fs::File;
    use std::io;
    use std::os::windows::ffi::OsStrExt as _;
    use std::os::windows::io::FromRawHandle as _;
    use std::path::Path;
    use std::ptr::null_mut;

    use windows_sys::Win32::Foundation::{
        CloseHandle, ERROR_SUCCESS, GENERIC_READ, GENERIC_WRITE, HANDLE, HLOCAL, INVALID_HANDLE_VALUE, LocalFree,
    };
    use windows_sys::Win32::Security::Authorization::{
        ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
        ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW, SDDL_REVISION_1, SE_FILE_OBJECT,
    };
    use windows_sys::Win32::Security::{
        DACL_SECURITY_INFORMATION, GetTokenInformation, OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR,
        SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        CREATE_NEW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    fn wide(text: &std::ffi::OsStr) -> Vec<u16> {
        text.encode_wide().chain(std::iter::once(0)).collect()
    }

    /// Text the system allocated with LocalAlloc, copied out and freed.
    unsafe fn take_local_text(text: *mut u16) -> String {
        let mut length = 0;
        // SAFETY: the system returned a NUL-terminated string.
        unsafe {
            while *text.add(length) != 0 {
                length += 1;
            }
            let copy = String::from_utf16_lossy(std::slice::from_raw_parts(text, length));
            LocalFree(text as HLOCAL);
            copy
        }
    }

    /// The SID of the user this process runs as, in its string form (`S-1-5-21-...`).
    pub fn current_user_sid() -> io::Result<String> {
        // SAFETY: plain Win32 calls with buffers sized as the system asks; every handle and
        // allocation is released before returning.
        unsafe {
            let mut token: HANDLE = null_mut();
            if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
                return Err(io::Error::last_os_error());
            }
            let mut size = 0u32;
            GetTokenInformation(token, TokenUser, null_mut(), 0, &mut size);
            // u64 words keep the TOKEN_USER structure aligned.
            let mut buffer = vec![0u64; (size as usize).div_ceil(8)];
            let ok = GetTokenInformation(token, TokenUser, buffer.as_mut_ptr().cast(), size, &mut size);
            let error = io::Error::last_os_error();
            CloseHandle(token);
            if ok == 0 {
                return Err(error);
            }
            let user = &*(buffer.as_ptr() as *const TOKEN_USER);
            let mut text: *mut u16 = null_mut();
            if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(take_local_text(text))
        }
    }

    pub fn create_private(path: &Path) -> io::Result<File> {
        let sddl = wide(super::owner_only_sddl(&current_user_sid()?).as_ref());
        let name = wide(path.as_os_str());
        // SAFETY: the descriptor is allocated by the system, used for one CreateFileW and freed;
        // the returned handle is owned by the File from here on.
        unsafe {
            let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
            if ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                null_mut(),
            ) == 0
            {
                return Err(io::Error::last_os_error());
            }
            let attributes = SECURITY_ATTRIBUTES {
                nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
                lpSecurityDescriptor: descriptor,
                bInheritHandle: 0,
            };
            let handle = CreateFileW(
                name.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                &attributes,
                CREATE_NEW,
                FILE_ATTRIBUTE_NORMAL,
                null_mut(),
            );
            let error = io::Error::last_os_error();
            LocalFree(descriptor as HLOCAL);
            if handle == INVALID_HANDLE_VALUE {
                return Err(error);
            }
            Ok(File::from_raw_handle(handle))
        }
    }

    /// The owner and DACL of an existing file, in SDDL.
    pub fn file_sddl(path: &Path) -> io::Result<String> {
        let name = wide(path.as_os_str());
        // SAFETY: as above; the descriptor and its text are freed before returning.
        unsafe {
            let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
            let status = GetNamedSecurityInfoW(
                name.as_ptr(),
                SE_FILE_OBJECT,
                OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                null_mut(),
                null_mut(),
                null_mut(),
                null_mut(),
                &mut descriptor,
            );
            if status != ERROR_SUCCESS {
                return Err(io::Error::from_raw_os_error(status as i32));
            }
            let mut text: *mut u16 = null_mut();
            let ok = ConvertSecurityDescriptorToStringSecurityDescriptorW(
                descriptor,
                SDDL_REVISION_1,
                OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                &mut text,
                null_mut(),
            );
            let error = io::Error::last_os_error();
            LocalFree(descriptor as HLOCAL);
            if ok == 0 {
                return Err(error);
            }
            Ok(take_local_text(text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("syncready-private-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("journal.jsonl")
    }

    #[test]
    fn the_descriptor_grants_the_user_alone() {
        assert_eq!(owner_only_sddl("S-1-5-21-1-2-3-1001"), "O:S-1-5-21-1-2-3-1001D:P(A;;FA;;;S-1-5-21-1-2-3-1001)");
    }

    #[test]
    fn an_existing_file_is_never_opened() {
        let path = scratch("existing");
        std::fs::write(&path, "old").unwrap();
        assert_eq!(create_private(&path).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    }

    #[cfg(unix)]
    #[test]
    fn on_unix_the_file_is_mode_0600() {
        use std::os::unix::fs::PermissionsExt as _;
        let path = scratch("mode");
        create_private(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[cfg(windows)]
    #[test]
    fn on_windows_only_the_user_has_an_entry() {
        use std::io::Write as _;
        let path = scratch("acl");
        let sid = imp::current_user_sid().unwrap();
        assert!(sid.starts_with("S-1-5-"), "{sid}");
        create_private(&path).unwrap().write_all(b"{}\n").unwrap();
        assert_eq!(imp::file_sddl(&path).unwrap(), owner_only_sddl(&sid));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}\n", "the owner can still read it");
    }
}
