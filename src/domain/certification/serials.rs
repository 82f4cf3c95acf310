//! The six-digit serial a certificate number ends with. A body counts its certificates of a year
//! 1, 2, 3, …; the serial it prints is that count enciphered under the body's own key with FF1
//! (NIST SP 800-38G, AES-256, radix 10, the year as tweak): a permutation of the million serials
//! of the year, so two counts never share a serial, and without the key a number says nothing of
//! the numbers issued before or after it.

use aes::Aes256;
use aes_gcm::{Aes256Gcm, KeyInit, aead::OsRng};
use fpe::ff1::{FF1, FlexibleNumeralString};

use crate::error::{AppError, AppResult};

/// A fresh serial key: 32 random bytes, hex.
pub fn new_key() -> String {
    hex::encode(Aes256Gcm::generate_key(OsRng))
}

/// The serial printed for the `count`th certificate (1 to 999,999) of `year` of the body whose
/// key is `key`.
pub fn serial(key: &str, year: i32, count: u32) -> AppResult<u32> {
    if !(1..=999_999).contains(&count) {
        return Err(AppError::Conflict(
            "the body has issued the most certificates a year's serials can number (999,999)"
                .to_owned(),
        ));
    }
    let key = hex::decode(key)
        .ok()
        .filter(|k| k.len() == 32)
        .ok_or_else(|| AppError::internal("a body's serial key is not 32 bytes of hex"))?;
    let cipher = FF1::<Aes256>::new(&key, 10).map_err(|e| AppError::internal(format!("{e:?}")))?;
    let digits: Vec<u16> = format!("{count:06}")
        .bytes()
        .map(|b| u16::from(b - b'0'))
        .collect();
    let tweak = year.to_be_bytes();
    let enciphered = cipher
        .encrypt(&tweak, &FlexibleNumeralString::from(digits))
        .map_err(|e| AppError::internal(format!("{e:?}")))?;
    Ok(Vec::from(enciphered)
        .into_iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d)))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn serials_are_distinct_and_do_not_follow_the_count() {
        let key = new_key();
        let serials: Vec<u32> = (1..=2000)
            .map(|n| serial(&key, 2026, n).expect("a serial"))
            .collect();
        assert_eq!(serials.iter().collect::<BTreeSet<_>>().len(), 2000);
        assert!(serials.iter().all(|s| *s <= 999_999));
        let consecutive = serials.windows(2).filter(|w| w[1] == w[0] + 1).count();
        assert!(
            consecutive < 5,
            "{consecutive} serials follow their predecessor"
        );
        // The same count under another key, or in another year, prints another serial.
        let other = new_key();
        let moved = (1..=50)
            .filter(|&n| {
                serial(&other, 2026, n).expect("a serial")
                    != serial(&key, 2026, n).expect("a serial")
            })
            .count();
        assert!(moved >= 45);
        assert_ne!(
            (1..=5)
                .map(|n| serial(&key, 2027, n).expect("a serial"))
                .collect::<Vec<_>>(),
            serials[..5]
        );
    }

    #[test]
    fn the_count_is_bounded_and_the_key_checked() {
        let key = new_key();
        assert!(matches!(serial(&key, 2026, 0), Err(AppError::Conflict(_))));
        assert!(matches!(
            serial(&key, 2026, 1_000_000),
            Err(AppError::Conflict(_))
        ));
        assert!(serial("00ff", 2026, 1).is_err());
        assert_eq!(
            serial(&key, 2026, 7).expect("a serial"),
            serial(&key, 2026, 7).expect("a serial")
        );
    }
}
