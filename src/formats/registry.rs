//! Picks the reader for a file: by its first bytes when they say what it is (gzip is looked
//! inside), else by its name (`.gii`, `.nii.gz`, `lh.pial`, `lh.thickness` …).
//!
//! Adding a format means one [`FileKind`] variant, one line in `sniff` or `by_name`, and one
//! arm in [`load`]. What it does not do: guess at content that matches no known format (an
//! "unsupported" error lists what Glia reads), or open label tables (`.lut`, `.txt`, `.tsv`) on
//! their own: [`lut`] reads them for the atlas they sit next to, and the error says so.

use std::io::Read;
use std::path::Path;

use super::freesurfer::{self, FreeSurferKind};
use super::{
    FormatError, Loaded, bids, brainvision, edf, gifti, lut, mesh_obj, mesh_ply, mesh_stl, mgh,
    montage, nifti, nwb, phy, spike_text,
};

/// What a file was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// GIfTI, plain or gzipped.
    Gifti,
    /// NIfTI-1/-2 (`.nii`, `.nii.gz`) or a `.hdr`/`.img` pair (NIfTI or Analyze).
    Nifti,
    /// FreeSurfer MGH/MGZ volume or per-vertex data.
    Mgh,
    /// FreeSurfer's own surfaces, morphometry, annotations and labels.
    FreeSurfer(FreeSurferKind),
    Obj,
    Ply,
    Stl,
    /// EDF, EDF+, BDF or BDF+ recording.
    Edf,
    /// BrainVision recording, opened from its `.vhdr` header.
    BrainVision,
    /// Electrode positions: `.elc`, `.sfp`, `.csd`, BIDS `*electrodes.tsv`.
    Montage,
    /// A Kilosort/phy output folder (opened as the folder, its `params.py` or `spike_times.npy`).
    Phy,
    /// Neurodata Without Borders (HDF5) with a units table.
    Nwb,
    /// Spikes as text: a unit/time table or spike trains.
    SpikeText,
    /// An events table (onsets and event types) for spikes.
    Events,
}

impl FileKind {
    /// A short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Gifti => "GIfTI",
            FileKind::Nifti => "NIfTI",
            FileKind::Mgh => "MGH/MGZ",
            FileKind::FreeSurfer(FreeSurferKind::Surface | FreeSurferKind::QuadSurface) => {
                "FreeSurfer surface"
            }
            FileKind::FreeSurfer(FreeSurferKind::Curv | FreeSurferKind::OldCurv) => {
                "FreeSurfer per-vertex data"
            }
            FileKind::FreeSurfer(FreeSurferKind::Annot) => "FreeSurfer annotation",
            FileKind::FreeSurfer(FreeSurferKind::Label) => "FreeSurfer label",
            FileKind::Obj => "OBJ mesh",
            FileKind::Ply => "PLY mesh",
            FileKind::Stl => "STL mesh",
            FileKind::Edf => "EDF/BDF recording",
            FileKind::BrainVision => "BrainVision recording",
            FileKind::Montage => "electrode positions",
            FileKind::Phy => "phy/Kilosort folder",
            FileKind::Nwb => "NWB",
            FileKind::SpikeText => "spike times",
            FileKind::Events => "events",
        }
    }
}

/// The formats Glia reads, for the "unsupported" message.
pub const SUPPORTED: &str = "Glia reads GIfTI (.gii, .gii.gz), NIfTI (.nii, .nii.gz, .hdr/.img), \
    MGH (.mgh, .mgz), FreeSurfer surfaces (lh.pial, lh.white …), per-vertex data (lh.curv, \
    lh.sulc, lh.thickness …), annotations (.annot) and labels (.label), OBJ, PLY and STL meshes, and EDF/EDF+/BDF/BDF+ \
    (.edf, .bdf) and BrainVision (.vhdr) recordings, and electrode positions (.elc, .sfp, .csd, \
    electrodes.tsv), sorted spikes (Kilosort/phy folders, NWB units, unit/time tables in .csv/.tsv, \
    spike trains in .txt) and events tables (.csv/.tsv with onset and event type)";

/// Reads any supported file.
///
/// A recording is completed after reading: BIDS sidecars beside it are applied
/// ([`bids::apply_sidecars`]: channel types and bad channels, electrode positions, events), and
/// a recording still without electrode positions gets the standard 10-05 positions of its EEG
/// channels named after 10-05 sites ([`montage::apply_standard_positions`]; such positions are
/// recognised by [`montage::is_standard`], and `glia info` reports them as
/// `"electrodes_source": "standard"`).
pub fn load(path: &Path) -> Result<Loaded, FormatError> {
    let mut loaded = load_file(path)?;
    if let Some(recording) = loaded.recording.as_mut() {
        bids::apply_sidecars(path, recording)?;
        montage::apply_standard_positions(recording);
    }
    Ok(loaded)
}

fn load_file(path: &Path) -> Result<Loaded, FormatError> {
    match detect(path)? {
        FileKind::Gifti => gifti::read(path),
        FileKind::Nifti => nifti::read(path),
        FileKind::Mgh => mgh::read(path),
        FileKind::FreeSurfer(_) => freesurfer::read(path),
        FileKind::Obj => mesh_obj::read(path),
        FileKind::Ply => mesh_ply::read(path),
        FileKind::Stl => mesh_stl::read(path),
        FileKind::Edf => edf::read(path),
        FileKind::BrainVision => brainvision::read(path),
        FileKind::Montage => Ok(Loaded {
            electrodes: montage::read(path)?,
            ..Default::default()
        }),
        FileKind::Phy => {
            let dir = phy::folder_of(path).unwrap_or_else(|| path.to_owned());
            Ok(Loaded {
                spikes: Some(phy::read(&dir)?),
                ..Default::default()
            })
        }
        FileKind::Nwb => Ok(Loaded {
            spikes: Some(nwb::read(path)?),
            ..Default::default()
        }),
        FileKind::SpikeText => Ok(Loaded {
            spikes: Some(spike_text::read_spikes(path, None)?.spikes),
            ..Default::default()
        }),
        FileKind::Events => Ok(Loaded {
            events: spike_text::read_events(path)?,
            ..Default::default()
        }),
    }
}

/// Reads a file meant to be shown on a surface: as [`load`], except that an MGH/MGZ file is
/// always read as per-vertex data (width × height × depth values per frame).
pub fn load_per_vertex(path: &Path) -> Result<Loaded, FormatError> {
    match detect(path)? {
        FileKind::Mgh => mgh::read_per_vertex(path),
        _ => load(path),
    }
}

/// Recognises a file without reading all of it.
pub fn detect(path: &Path) -> Result<FileKind, FormatError> {
    let meta = std::fs::metadata(path).map_err(|e| FormatError::io(path, e))?;
    if phy::folder_of(path).is_some() {
        return Ok(FileKind::Phy);
    }
    if meta.is_dir() {
        return Err(FormatError::invalid(
            path,
            "is a folder, not a file (Glia opens folders of Kilosort/phy output, which hold \
             spike_times.npy)",
        ));
    }
    if meta.len() == 0 {
        return Err(FormatError::invalid(path, "the file is empty"));
    }
    let head = read_head(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if has_extension(&name, &[".eeg", ".vmrk"]) && !edf::sniff(&head) {
        return Err(brainvision_part(path));
    }
    let inner = if head.starts_with(&[0x1f, 0x8b]) {
        gunzip_head(path)
    } else {
        None
    };
    let content = inner.as_deref().unwrap_or(&head);
    let file_len = if inner.is_some() {
        None
    } else {
        Some(meta.len())
    };
    sniff(content, file_len, &name)
        .or_else(|| by_name(&name))
        .or_else(|| montage::sniff(content, &name).then_some(FileKind::Montage))
        .or_else(|| {
            spike_text::sniff(content, &name).map(|k| match k {
                spike_text::TextKind::Events => FileKind::Events,
                _ => FileKind::SpikeText,
            })
        })
        .ok_or_else(|| {
            if lut::looks_like_label_table(content, &name) {
                FormatError::unsupported(path, LABEL_TABLE)
            } else {
                FormatError::unsupported(path, format!("unknown file type. {SUPPORTED}"))
            }
        })
}

/// The error for a BrainVision `.eeg` or `.vmrk` opened on its own: points to the header.
fn brainvision_part(path: &Path) -> FormatError {
    let header = path.with_extension("vhdr");
    let what = if header.is_file() {
        format!(
            "part of a BrainVision recording: open its header, {}, instead",
            header.display()
        )
    } else {
        "part of a BrainVision recording: open its .vhdr header file instead (the header names \
         the data and marker files)"
            .to_owned()
    };
    FormatError::unsupported(path, what)
}

/// Why a label table is not opened on its own.
const LABEL_TABLE: &str = "a label table (region names and colours), not an image: Glia reads \
    it with the atlas it belongs to when it lies next to it under the same name (aal.nii.gz with \
    aal.nii.txt, aal.txt, aal.tsv or aal.lut)";

/// Bytes looked at to recognise a file.
const HEAD_BYTES: usize = 4096;

fn read_head(path: &Path) -> Result<Vec<u8>, FormatError> {
    let file = std::fs::File::open(path).map_err(|e| FormatError::io(path, e))?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    file.take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| FormatError::io(path, e))?;
    Ok(head)
}

/// The first bytes inside a gzip file (whatever could be decoded; `None` if nothing).
fn gunzip_head(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut decoder = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
    let mut head = vec![0u8; HEAD_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        match decoder.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    head.truncate(filled);
    (!head.is_empty()).then_some(head)
}

/// Recognises content from its first bytes. `file_len` is the whole file's length when known
/// (not gzipped), used by formats whose size follows from their header.
fn sniff(head: &[u8], file_len: Option<u64>, name: &str) -> Option<FileKind> {
    if is_nifti(head) {
        return Some(FileKind::Nifti);
    }
    if nwb::sniff(head) {
        return Some(FileKind::Nwb);
    }
    let text = head.trim_ascii_start();
    let text = text
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(text);
    if (text.starts_with(b"<?xml") || text.starts_with(b"<GIFTI")) && contains(head, b"<GIFTI") {
        return Some(FileKind::Gifti);
    }
    if text.starts_with(b"Brain Vision Data Exchange Header")
        || text.starts_with(b"BrainVision Core Data Format")
    {
        return Some(FileKind::BrainVision);
    }
    if head.starts_with(b"ply\n") || head.starts_with(b"ply\r\n") {
        return Some(FileKind::Ply);
    }
    if let Some(len) = file_len {
        if edf::sniff(head) && len >= 256 {
            return Some(FileKind::Edf);
        }
        if let Some(kind) = freesurfer::sniff(head, len, name) {
            return Some(FileKind::FreeSurfer(kind));
        }
        if binary_stl_length(head) == Some(len) {
            return Some(FileKind::Stl);
        }
    }
    if text.starts_with(b"solid") && contains(head, b"facet") {
        return Some(FileKind::Stl);
    }
    if is_mgh(head) && (has_extension(name, &[".mgh", ".mgz"]) || !has_known_extension(name)) {
        return Some(FileKind::Mgh);
    }
    None
}

/// The length a binary STL must have, from the triangle count in its header.
fn binary_stl_length(head: &[u8]) -> Option<u64> {
    let b = head.get(80..84)?;
    Some(84 + 50 * u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64)
}

fn is_nifti(head: &[u8]) -> bool {
    let Some(size) = head.get(0..4) else {
        return false;
    };
    let size = [size[0], size[1], size[2], size[3]];
    let sizes = [i32::from_le_bytes(size), i32::from_be_bytes(size)];
    let nifti1 = sizes.contains(&348) && matches!(head.get(344..348), Some(b"n+1\0" | b"ni1\0"));
    let nifti2 = sizes.contains(&540) && matches!(head.get(4..8), Some(b"n+2\0" | b"ni2\0"));
    nifti1 || nifti2
}

/// MGH has no magic string: version 1, positive dimensions and a known voxel type.
fn is_mgh(head: &[u8]) -> bool {
    mgh::parse_header(head).is_ok()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    extensions.iter().any(|e| lower.ends_with(e))
}

fn has_known_extension(name: &str) -> bool {
    by_name(name).is_some()
}

/// Recognises a file from its name alone.
fn by_name(name: &str) -> Option<FileKind> {
    let ext = |list: &[&str]| has_extension(name, list);
    Some(if ext(&[".gii", ".gii.gz"]) {
        FileKind::Gifti
    } else if ext(&[".nii", ".nii.gz", ".hdr", ".img", ".hdr.gz", ".img.gz"]) {
        FileKind::Nifti
    } else if ext(&[".mgh", ".mgz"]) {
        FileKind::Mgh
    } else if ext(&[".obj"]) {
        FileKind::Obj
    } else if ext(&[".ply"]) {
        FileKind::Ply
    } else if ext(&[".stl"]) {
        FileKind::Stl
    } else if ext(&[".edf", ".bdf"]) {
        FileKind::Edf
    } else if ext(&[".nwb"]) {
        FileKind::Nwb
    } else if ext(&[".vhdr"]) {
        FileKind::BrainVision
    } else if ext(&[".elc", ".sfp", ".csd", "electrodes.tsv"]) {
        FileKind::Montage
    } else if ext(&[".annot"]) {
        FileKind::FreeSurfer(FreeSurferKind::Annot)
    } else if ext(&[".label"]) {
        FileKind::FreeSurfer(FreeSurferKind::Label)
    } else if freesurfer::looks_like_curv_name(name) {
        FileKind::FreeSurfer(FreeSurferKind::OldCurv)
    } else if freesurfer::looks_like_surface_name(name) {
        FileKind::FreeSurfer(FreeSurferKind::Surface)
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_alone() {
        assert_eq!(by_name("pial_left.gii.gz"), Some(FileKind::Gifti));
        assert_eq!(by_name("T1.NII.GZ"), Some(FileKind::Nifti));
        assert_eq!(by_name("brain.mgz"), Some(FileKind::Mgh));
        assert_eq!(
            by_name("lh.aparc.annot"),
            Some(FileKind::FreeSurfer(FreeSurferKind::Annot))
        );
        assert_eq!(
            by_name("lh.thickness"),
            Some(FileKind::FreeSurfer(FreeSurferKind::OldCurv))
        );
        assert_eq!(
            by_name("rh.inflated"),
            Some(FileKind::FreeSurfer(FreeSurferKind::Surface))
        );
        assert_eq!(by_name("notes.txt"), None);
    }

    #[test]
    fn content_beats_name() {
        let mut nifti = vec![0u8; 352];
        nifti[0..4].copy_from_slice(&348i32.to_le_bytes());
        nifti[344..348].copy_from_slice(b"n+1\0");
        assert_eq!(sniff(&nifti, Some(352), "scan.gii"), Some(FileKind::Nifti));
        assert_eq!(
            sniff(b"ply\nformat ascii 1.0\n", Some(20), "x.obj"),
            Some(FileKind::Ply)
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<GIFTI>", Some(30), "x"),
            Some(FileKind::Gifti)
        );
        assert_eq!(
            sniff(b"solid x\n facet normal 0 0 1\n", Some(28), "x"),
            Some(FileKind::Stl)
        );
        assert_eq!(sniff(b"hello", Some(5), "x.obj"), None);
    }

    #[test]
    fn binary_stl_by_length() {
        let mut stl = [0u8; 84 + 100];
        stl[80] = 2;
        assert_eq!(sniff(&stl[..100], Some(184), "mesh"), Some(FileKind::Stl));
        assert_eq!(sniff(&stl[..100], Some(183), "mesh"), None);
    }
}
