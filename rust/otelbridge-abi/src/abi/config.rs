//! Component configs: the default, and validation with the field's path.

use otelbridge::{Error, private};

use crate::types::{OtbBuf, OtbStatus};
use crate::{buffer, library, panic};

/// Writes component `index`'s default config, as JSON, to `out`.
///
/// # Safety
/// `out` must be a valid pointer; `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_config_default(
    index: u32,
    out: *mut OtbBuf,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        let json = private::default_config_json(library::factory(index)?).map_err(Error::from)?;
        // SAFETY: the caller passes a valid pointer.
        *unsafe { out.as_mut() }.ok_or_else(|| panic::null("out"))? = buffer::from_vec(json);
        Ok(())
    })
}

/// Validates a JSON config for component `index`; the status message names the field's path.
///
/// # Safety
/// `json` must point to `json_len` readable bytes (or be NULL when 0); `status` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn otelbridge_v1_config_validate(
    index: u32,
    json: *const u8,
    json_len: usize,
    status: *mut OtbStatus,
) -> u32 {
    panic::guard_status(status, || {
        // SAFETY: the caller passes a valid buffer.
        let json = unsafe { buffer::borrow(json, json_len) };
        private::validate_config_json(library::factory(index)?, json).map_err(Error::from)
    })
}
