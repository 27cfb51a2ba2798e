//! Photos of citizen reports: only JPEG and PNG, checked by content, and
//! stripped of metadata before they are stored — EXIF (with the GPS
//! position, the camera and the time), XMP, IPTC, comments and text
//! chunks — so a published photo never tells more than its pixels. The
//! pixels are not re-encoded: the image is byte-for-byte the same picture.
//! Only the EXIF orientation survives (rewritten alone), so a phone photo
//! taken sideways still shows upright.

use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::{Bytes, ImageEXIF};

/// Largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// Largest photo accepted, in pixels (width × height), read from the
/// header without decoding: a small file claiming 30000 × 30000 would
/// make every browser that opens the report decode 900 million pixels.
pub const MAX_PHOTO_PIXELS: u64 = 50_000_000;

/// Width and height from a JPEG's frame header (SOFn).
fn jpeg_size(jpeg: &Jpeg) -> Option<(u64, u64)> {
    jpeg.segments()
        .iter()
        .find(|s| matches!(s.marker(), 0xC0..=0xCF) && !matches!(s.marker(), 0xC4 | 0xC8 | 0xCC))
        .and_then(|s| {
            let c = s.contents();
            let height = u16::from_be_bytes([*c.get(1)?, *c.get(2)?]);
            let width = u16::from_be_bytes([*c.get(3)?, *c.get(4)?]);
            Some((u64::from(width), u64::from(height)))
        })
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &Png) -> Option<(u64, u64)> {
    let ihdr = png.chunk_by_type(*b"IHDR")?;
    let c = ihdr.contents();
    let width = u32::from_be_bytes(c.get(0..4)?.try_into().ok()?);
    let height = u32::from_be_bytes(c.get(4..8)?.try_into().ok()?);
    Some((u64::from(width), u64::from(height)))
}

/// Refuses a size that is missing, empty or over [`MAX_PHOTO_PIXELS`].
fn check_size(size: Option<(u64, u64)>) -> Result<(), &'static str> {
    match size {
        Some((w, h)) if w > 0 && h > 0 && w * h <= MAX_PHOTO_PIXELS => Ok(()),
        Some((w, h)) if w > 0 && h > 0 => Err("photo-too-many-pixels"),
        _ => Err("photo-unreadable"),
    }
}

/// A photo with its metadata removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPhoto {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Checks and cleans an uploaded photo; the error is a field code.
pub fn clean(bytes: &[u8]) -> Result<CleanPhoto, &'static str> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err("photo-too-large");
    }
    match crate::attachments::sniff(bytes) {
        Some("jpeg") => {
            let mut jpeg =
                Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| "photo-unreadable")?;
            check_size(jpeg_size(&jpeg))?;
            let orientation = jpeg.exif().and_then(|tiff| orientation_only(&tiff));
            jpeg.segments_mut()
                .retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
            jpeg.set_exif(orientation.map(Bytes::from));
            Ok(CleanPhoto {
                content_type: "image/jpeg",
                bytes: jpeg.encoder().bytes().to_vec(),
            })
        }
        Some("png") => {
            let mut png =
                Png::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| "photo-unreadable")?;
            check_size(png_size(&png))?;
            png.chunks_mut()
                .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"));
            Ok(CleanPhoto {
                content_type: "image/png",
                bytes: png.encoder().bytes().to_vec(),
            })
        }
        _ => Err("photo-type-not-accepted"),
    }
}

/// EXIF holding nothing but the orientation of `tiff` (EXIF's TIFF data),
/// when it is not the normal one.
fn orientation_only(tiff: &[u8]) -> Option<Vec<u8>> {
    use exif::{Field, In, Tag, Value};
    let found = exif::Reader::new().read_raw(tiff.to_vec()).ok()?;
    let value = found
        .get_field(Tag::Orientation, In::PRIMARY)?
        .value
        .get_uint(0)?;
    if !(2..=8).contains(&value) {
        return None;
    }
    let field = Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![u16::try_from(value).ok()?]),
    };
    let mut writer = exif::experimental::Writer::new();
    writer.push_field(&field);
    let mut out = std::io::Cursor::new(Vec::new());
    writer.write(&mut out, false).ok()?;
    Some(out.into_inner())
}

/// JFIF (APP0), an ICC colour profile (APP2) and Adobe's colour transform
/// (APP14) are kept with the image data; every other application segment
/// (EXIF and XMP in APP1, IPTC in APP13, maker data) and comments go.
fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        markers::APP1..=markers::APP15 | markers::COM => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 JPEG (from a camera-less encoder) with an EXIF segment
    /// holding a GPS tag and a comment added.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut jpeg = Jpeg::from_bytes(Bytes::from_static(TINY_JPEG)).expect("valid in this test");
        let exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude 29.85 Samsung SM-A515F";
        jpeg.segments_mut().insert(
            1,
            img_parts::jpeg::JpegSegment::new_with_contents(
                markers::APP1,
                Bytes::from_static(exif),
            ),
        );
        jpeg.segments_mut().insert(
            2,
            img_parts::jpeg::JpegSegment::new_with_contents(
                markers::COM,
                Bytes::from_static(b"owner: Sara Ahmed 01012345678"),
            ),
        );
        jpeg.encoder().bytes().to_vec()
    }

    /// The smallest valid baseline JPEG (1×1 grey).
    pub const TINY_JPEG: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06,
        0x05, 0x08, 0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0A, 0x0C, 0x14, 0x0D, 0x0C, 0x0B, 0x0B,
        0x0C, 0x19, 0x12, 0x13, 0x0F, 0x14, 0x1D, 0x1A, 0x1F, 0x1E, 0x1D, 0x1A, 0x1C, 0x1C, 0x20,
        0x24, 0x2E, 0x27, 0x20, 0x22, 0x2C, 0x23, 0x1C, 0x1C, 0x28, 0x37, 0x29, 0x2C, 0x30, 0x31,
        0x34, 0x34, 0x34, 0x1F, 0x27, 0x39, 0x3D, 0x38, 0x32, 0x3C, 0x2E, 0x33, 0x34, 0x32, 0xFF,
        0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xC4, 0x00,
        0x1F, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
        0xFF, 0xC4, 0x00, 0xB5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05,
        0x04, 0x04, 0x00, 0x00, 0x01, 0x7D, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21,
        0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08,
        0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A,
        0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37,
        0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56,
        0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75,
        0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93,
        0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9,
        0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6,
        0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
        0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7,
        0xF8, 0xF9, 0xFA, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xFB, 0xD3,
        0xFF, 0xD9,
    ];

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn exif_and_comments_are_removed_from_jpeg_and_the_image_is_kept() {
        let dirty = jpeg_with_exif();
        assert!(contains(&dirty, b"GPSLatitude"));
        let clean = clean(&dirty).expect("valid in this test");
        assert_eq!(clean.content_type, "image/jpeg");
        assert!(!contains(&clean.bytes, b"GPSLatitude"));
        assert!(!contains(&clean.bytes, b"Samsung"));
        assert!(!contains(&clean.bytes, b"01012345678"));
        assert_eq!(clean.bytes, TINY_JPEG, "only the metadata went");
    }

    #[test]
    fn only_the_orientation_survives_from_exif() {
        use exif::{Field, In, Tag, Value};
        let fields = [
            Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![6]),
            },
            Field {
                tag: Tag::Make,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"Samsung".to_vec()]),
            },
            Field {
                tag: Tag::ImageDescription,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"Sara Ahmed 01012345678".to_vec()]),
            },
        ];
        let mut writer = exif::experimental::Writer::new();
        for field in &fields {
            writer.push_field(field);
        }
        let mut tiff = std::io::Cursor::new(Vec::new());
        writer.write(&mut tiff, false).expect("EXIF written");
        let mut jpeg = Jpeg::from_bytes(Bytes::from_static(TINY_JPEG)).expect("valid in this test");
        jpeg.set_exif(Some(Bytes::from(tiff.into_inner())));
        let dirty = jpeg.encoder().bytes().to_vec();
        assert!(contains(&dirty, b"Samsung"));

        let clean = clean(&dirty).expect("valid in this test");
        assert!(!contains(&clean.bytes, b"Samsung"));
        assert!(!contains(&clean.bytes, b"01012345678"));
        let kept = Jpeg::from_bytes(Bytes::from(clean.bytes))
            .expect("valid in this test")
            .exif()
            .expect("orientation kept");
        let read = exif::Reader::new()
            .read_raw(kept.to_vec())
            .expect("valid in this test");
        assert_eq!(
            read.get_field(Tag::Orientation, In::PRIMARY)
                .and_then(|f| f.value.get_uint(0)),
            Some(6)
        );
        assert_eq!(read.fields().count(), 1, "nothing but the orientation");
    }

    #[test]
    fn text_chunks_are_removed_from_png() {
        let png = crate::photos::tests::png_with_text();
        assert!(contains(&png, b"Author"));
        let clean = clean(&png).expect("valid in this test");
        assert_eq!(clean.content_type, "image/png");
        assert!(!contains(&clean.bytes, b"Author"));
        assert!(contains(&clean.bytes, b"IDAT"));
    }

    fn png_with_text() -> Vec<u8> {
        let mut png = Png::from_bytes(Bytes::from_static(TINY_PNG)).expect("valid in this test");
        let at = png.chunks().len() - 1;
        png.chunks_mut().insert(
            at,
            img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"Author\0Sara Ahmed")),
        );
        png.encoder().bytes().to_vec()
    }

    /// A 1×1 PNG.
    const TINY_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8,
        0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn other_files_and_oversized_photos_are_refused() {
        assert_eq!(
            clean(b"%PDF-1.7 not a photo"),
            Err("photo-type-not-accepted")
        );
        assert_eq!(clean(b"hello"), Err("photo-type-not-accepted"));
        let mut huge = TINY_JPEG.to_vec();
        huge.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(clean(&huge), Err("photo-too-large"));
    }

    /// A PNG whose header claims `width` × `height` (its IDAT stays 1×1).
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut png = Png::from_bytes(Bytes::from_static(TINY_PNG)).expect("valid in this test");
        let mut ihdr = png
            .chunk_by_type(*b"IHDR")
            .expect("IHDR")
            .contents()
            .to_vec();
        ihdr[0..4].copy_from_slice(&width.to_be_bytes());
        ihdr[4..8].copy_from_slice(&height.to_be_bytes());
        png.chunks_mut()[0] = img_parts::png::PngChunk::new(*b"IHDR", Bytes::from(ihdr));
        png.encoder().bytes().to_vec()
    }

    /// A JPEG whose frame header claims `width` × `height`.
    fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = TINY_JPEG.to_vec();
        let sof = bytes
            .windows(5)
            .position(|w| w == [0xFF, 0xC0, 0x00, 0x0B, 0x08])
            .expect("SOF0");
        bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        bytes
    }

    #[test]
    fn image_bombs_are_refused_from_their_headers() {
        assert_eq!(
            clean(&png_claiming(30_000, 30_000)),
            Err("photo-too-many-pixels")
        );
        assert_eq!(
            clean(&jpeg_claiming(65_500, 65_500)),
            Err("photo-too-many-pixels")
        );
        assert_eq!(clean(&png_claiming(0, 10)), Err("photo-unreadable"));
        assert!(
            clean(&png_claiming(8_000, 6_000)).is_ok(),
            "48 MP is a photo"
        );
        assert!(clean(&jpeg_claiming(4_000, 3_000)).is_ok());
    }
}
