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

/// Makes the creation of `path` durable: on Unix the folder's entry is synced (a new file
/// can otherwise vanish in a crash though its data was synced). NTFS journals its metadata, so
/// Windows needs nothing here.
pub fn sync_folder_of(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        File::open(folder)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The Windows security descriptor, in SDDL, of a file only `user_sid` may open: the user owns
/// it, and the DACL is protected (no entry inherited from the folder) with one entry granting
/// that user full control.
#[cfg(any(windows, test))]
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
        CloseHandle, GENERIC_READ, GENERIC_WRITE, HANDLE, HLOCAL, INVALID_HANDLE_VALUE, LocalFree,
    };
    use windows_sys::Win32::Security::Authorization::{
        ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
    };
    use windows_sys::Win32::Security::{
        GetTokenInformation, PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        CREATE_NEW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};
    #[cfg(test)]
    use windows_sys::Win32::{
        Foundation::ERROR_SUCCESS,
        Security::Authorization::{
            ConvertSecurityDescriptorToStringSecurityDescriptorW, GetNamedSecurityInfoW, SE_FILE_OBJECT,
        },
        Security::{DACL_SECURITY_INFORMATION, OWNER_SECURITY_INFORMATION},
    };

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

    /// A security descriptor the system allocated; freed on drop.
    pub struct Descriptor(PSECURITY_DESCRIPTOR);

    impl Drop for Descriptor {
        fn drop(&mut self) {
            // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW or
            // GetNamedSecurityInfoW, which both say to free it with LocalFree.
            unsafe { LocalFree(self.0 as HLOCAL) };
        }
    }

    /// The descriptor of [`super::owner_only_sddl`] for the current user.
    pub fn owner_only_descriptor() -> io::Result<Descriptor> {
        let sddl = wide(super::owner_only_sddl(&current_user_sid()?).as_ref());
        let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: a NUL-terminated SDDL string in, a system allocation out.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Descriptor(descriptor))
    }

    pub fn create_private(path: &Path) -> io::Result<File> {
        let descriptor = owner_only_descriptor()?;
        let name = wide(path.as_os_str());
        let attributes = SECURITY_ATTRIBUTES {
            nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: descriptor.0,
            bInheritHandle: 0,
        };
        // SAFETY: the name is NUL-terminated and the descriptor lives until after the call; the
        // returned handle is owned by the File from here on.
        unsafe {
            let handle = CreateFileW(
                name.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                &attributes,
                CREATE_NEW,
                FILE_ATTRIBUTE_NORMAL,
                null_mut(),
            );
            if handle == INVALID_HANDLE_VALUE {
                return Err(io::Error::last_os_error());
            }
            Ok(File::from_raw_handle(handle))
        }
    }

    /// A descriptor's owner and DACL, in SDDL.
    #[cfg(test)]
    pub fn sddl_of(descriptor: &Descriptor) -> io::Result<String> {
        let mut text: *mut u16 = null_mut();
        // SAFETY: a valid descriptor in, a system allocation out (freed by take_local_text).
        unsafe {
            if ConvertSecurityDescriptorToStringSecurityDescriptorW(
                descriptor.0,
                SDDL_REVISION_1,
                OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                &mut text,
                null_mut(),
            ) == 0
            {
                return Err(io::Error::last_os_error());
            }
            Ok(take_local_text(text))
        }
    }

    /// The owner and DACL of an existing file, in SDDL.
    #[cfg(test)]
    pub fn file_sddl(path: &Path) -> io::Result<String> {
        let name = wide(path.as_os_str());
        let mut descriptor: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: a NUL-terminated name in, a system allocation out (freed by Descriptor).
        let status = unsafe {
            GetNamedSecurityInfoW(
                name.as_ptr(),
                SE_FILE_OBJECT,
                OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                null_mut(),
                null_mut(),
                null_mut(),
                null_mut(),
                &mut descriptor,
            )
        };
        if status != ERROR_SUCCESS {
            return Err(io::Error::from_raw_os_error(status as i32));
        }
        sddl_of(&Descriptor(descriptor))
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
    fn on_windows_the_descriptor_windows_builds_is_owner_only() {
        let sid = imp::current_user_sid().unwrap();
        assert!(sid.starts_with("S-1-5-"), "{sid}");
        let descriptor = imp::owner_only_descriptor().unwrap();
        assert_eq!(imp::sddl_of(&descriptor).unwrap(), owner_only_sddl(&sid));
    }

    #[cfg(windows)]
    #[test]
    fn on_windows_nobody_else_can_open_the_file() {
        use std::io::Write as _;
        let path = scratch("acl");
        let sid = imp::current_user_sid().unwrap();
        create_private(&path).unwrap().write_all(b"{}\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}\n", "the owner can read it");
        // Real Windows keeps exactly the protected one-entry DACL; Wine keeps no DACL and shows
        // one made from the Unix mode, with SYSTEM beside the user. Neither lets anyone else in.
        let sddl = imp::file_sddl(&path).unwrap();
        assert!(sddl.starts_with(&format!("O:{sid}D:")), "{sddl}");
        let entries: Vec<&str> = sddl.split('(').skip(1).map(|e| e.trim_end_matches(')')).collect();
        assert!(entries.contains(&format!("A;;FA;;;{sid}").as_str()), "{sddl}");
        for entry in entries {
            assert!(entry.ends_with(&sid) || entry.ends_with(";SY"), "{entry} in {sddl}");
        }
    }
}
