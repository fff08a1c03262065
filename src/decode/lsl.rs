//! Lab Streaming Layer inlets and outlets through liblsl, loaded at run time.
//!
//! liblsl is a C++ library most users get from `pip install pylsl`, a conda package or a
//! system package, and many never need it at all. Glia therefore never links it: [`Lsl::load`]
//! opens it with `libloading` the first time a stream is asked for, and the app builds, runs and
//! passes its tests on machines without it. The library is looked for, in order:
//!
//! 1. the file named by `$GLIA_LIBLSL`;
//! 2. the system's loader path (`liblsl.so`, `liblsl.so.2`, `liblsl64.so`; `liblsl.dylib` on
//!    macOS, `lsl.dll` on Windows);
//! 3. a pip-installed pylsl's bundled copy (`pylsl/lib/liblsl*.so*`) under `$VIRTUAL_ENV`,
//!    `./.venv`, `~/.local`, `/usr/lib/python3/dist-packages` and
//!    `/usr/local/lib/python3*/dist-packages`;
//! 4. wherever `python3 -c "import pylsl"` finds pylsl, if a `python3` runs.
//!
//! Only the C API's plain functions are used (`lsl_c.h`), resolved once into function pointers.
//! Timestamps from an [`Inlet`] are mapped onto this machine's `lsl_local_clock` by adding the
//! inlet's time correction, so [`Source::clock`] and the rows agree.

use std::ffi::{CStr, CString, c_char, c_ulong, c_void};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use libloading::Library;

use super::stream::{Chunk, Source, StreamError, StreamInfo};

type Handle = *mut c_void;

// Constants from lsl/common.h.
const CFT_FLOAT32: i32 = 1;
const CFT_STRING: i32 = 3;
const CFT_UNDEFINED: i32 = 0;
const LSL_TIMEOUT_ERROR: i32 = -1;
const LSL_LOST_ERROR: i32 = -2;
const LSL_ARGUMENT_ERROR: i32 = -3;
const LSL_INTERNAL_ERROR: i32 = -4;

/// How often an inlet refreshes its time correction, seconds.
const CORRECTION_EVERY: f64 = 5.0;

macro_rules! api {
    ($(fn $field:ident = $name:literal: $ty:ty;)*) => {
        /// The liblsl functions Glia calls, as declared in liblsl's headers.
        #[derive(Clone, Copy)]
        struct Api { $($field: $ty,)* }

        impl Api {
            fn resolve(lib: &Library) -> Result<Api, String> {
                Ok(Api { $($field: {
                    // SAFETY: the type is the one lsl/*.h declares for this symbol; the pointer is
                    // only called while the library stays loaded (it is never unloaded).
                    let sym = unsafe { lib.get::<$ty>($name.as_bytes()) };
                    *sym.map_err(|e| format!("symbol {} missing: {e}", $name))?
                },)* })
            }
        }
    };
}

api! {
    fn local_clock = "lsl_local_clock": unsafe extern "C" fn() -> f64;
    fn library_version = "lsl_library_version": unsafe extern "C" fn() -> i32;
    fn resolve_byprop = "lsl_resolve_byprop":
        unsafe extern "C" fn(*mut Handle, u32, *const c_char, *const c_char, i32, f64) -> i32;
    fn create_streaminfo = "lsl_create_streaminfo": unsafe extern "C" fn(
        *const c_char, *const c_char, i32, f64, i32, *const c_char) -> Handle;
    fn destroy_streaminfo = "lsl_destroy_streaminfo": unsafe extern "C" fn(Handle);
    fn get_name = "lsl_get_name": unsafe extern "C" fn(Handle) -> *const c_char;
    fn get_type = "lsl_get_type": unsafe extern "C" fn(Handle) -> *const c_char;
    fn get_channel_count = "lsl_get_channel_count": unsafe extern "C" fn(Handle) -> i32;
    fn get_nominal_srate = "lsl_get_nominal_srate": unsafe extern "C" fn(Handle) -> f64;
    fn get_channel_format = "lsl_get_channel_format": unsafe extern "C" fn(Handle) -> i32;
    fn get_desc = "lsl_get_desc": unsafe extern "C" fn(Handle) -> Handle;
    fn child = "lsl_child": unsafe extern "C" fn(Handle, *const c_char) -> Handle;
    fn next_sibling_n = "lsl_next_sibling_n": unsafe extern "C" fn(Handle, *const c_char) -> Handle;
    fn child_value_n = "lsl_child_value_n":
        unsafe extern "C" fn(Handle, *const c_char) -> *const c_char;
    fn empty = "lsl_empty": unsafe extern "C" fn(Handle) -> i32;
    fn create_inlet = "lsl_create_inlet": unsafe extern "C" fn(Handle, i32, i32, i32) -> Handle;
    fn destroy_inlet = "lsl_destroy_inlet": unsafe extern "C" fn(Handle);
    fn get_fullinfo = "lsl_get_fullinfo": unsafe extern "C" fn(Handle, f64, *mut i32) -> Handle;
    fn open_stream = "lsl_open_stream": unsafe extern "C" fn(Handle, f64, *mut i32);
    fn time_correction = "lsl_time_correction": unsafe extern "C" fn(Handle, f64, *mut i32) -> f64;
    fn inlet_flush = "lsl_inlet_flush": unsafe extern "C" fn(Handle) -> u32;
    fn pull_sample_f = "lsl_pull_sample_f":
        unsafe extern "C" fn(Handle, *mut f32, i32, f64, *mut i32) -> f64;
    fn pull_chunk_f = "lsl_pull_chunk_f": unsafe extern "C" fn(
        Handle, *mut f32, *mut f64, c_ulong, c_ulong, f64, *mut i32) -> c_ulong;
    fn create_outlet = "lsl_create_outlet": unsafe extern "C" fn(Handle, i32, i32) -> Handle;
    fn destroy_outlet = "lsl_destroy_outlet": unsafe extern "C" fn(Handle);
    fn push_sample_ftp = "lsl_push_sample_ftp":
        unsafe extern "C" fn(Handle, *const f32, f64, i32) -> i32;
}

/// A loaded liblsl.
pub struct Lsl {
    /// Never unloaded: liblsl keeps background threads (time sync, resolver, I/O) running in its
    /// own code after the last inlet is gone, so `dlclose` could pull code from under them.
    _library: ManuallyDrop<Library>,
    api: Api,
    path: PathBuf,
    version: i32,
}

impl std::fmt::Debug for Lsl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lsl")
            .field("path", &self.path)
            .field("version", &self.version)
            .finish()
    }
}

impl Lsl {
    /// Loads liblsl from the first place that has it (see the module docs for the order), once
    /// per process: later calls return the same library (a failure is not remembered, so
    /// installing pylsl while Glia runs works).
    pub fn load() -> Result<Arc<Lsl>, String> {
        static LOADED: std::sync::OnceLock<Arc<Lsl>> = std::sync::OnceLock::new();
        if let Some(lsl) = LOADED.get() {
            return Ok(lsl.clone());
        }
        let lsl = Self::find()?;
        Ok(LOADED.get_or_init(|| lsl).clone())
    }

    fn find() -> Result<Arc<Lsl>, String> {
        let mut tried = Vec::new();
        match std::env::var_os("GLIA_LIBLSL") {
            Some(p) if !p.is_empty() => match Lsl::open(Path::new(&p)) {
                Ok(lsl) => return Ok(Arc::new(lsl)),
                Err(e) => tried.push(format!("$GLIA_LIBLSL={}: {e}", Path::new(&p).display())),
            },
            _ => tried.push("$GLIA_LIBLSL: not set".into()),
        }
        let mut seen = Vec::new();
        for path in system_names() {
            match Lsl::open(&path) {
                Ok(lsl) => return Ok(Arc::new(lsl)),
                Err(e) => tried.push(format!("{}: {e}", path.display())),
            }
        }
        // Only now look for pylsl (which may run python3).
        let (bundled, searched) = pylsl_libraries();
        for path in bundled {
            let key = path.canonicalize().unwrap_or_else(|_| path.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            match Lsl::open(&path) {
                Ok(lsl) => return Ok(Arc::new(lsl)),
                Err(e) => tried.push(format!("{}: {e}", path.display())),
            }
        }
        tried.push(searched);
        Err(format!(
            "could not load liblsl (Lab Streaming Layer): set GLIA_LIBLSL to the path of liblsl, \
             or `pip install pylsl` (which bundles it). Tried: {}",
            tried.join("; ")
        ))
    }

    fn open(path: &Path) -> Result<Lsl, String> {
        // SAFETY: loading a library runs its initialisers; liblsl's only set up its own state.
        // The caller asked for this file (or it is where liblsl lives), as with any plugin.
        let library = unsafe { Library::new(path) }.map_err(|e| e.to_string())?;
        let api = Api::resolve(&library)?;
        // SAFETY: a plain getter with no arguments, resolved with its declared type.
        let version = unsafe { (api.library_version)() };
        Ok(Lsl {
            _library: ManuallyDrop::new(library),
            api,
            path: path.to_owned(),
            version,
        })
    }

    /// Where the library was found (a bare file name when the system loader found it).
    pub fn library_path(&self) -> &Path {
        &self.path
    }

    /// liblsl's version, major × 100 + minor (e.g. 118).
    pub fn version(&self) -> i32 {
        self.version
    }

    /// Now, seconds, on LSL's clock (the one outlet timestamps use).
    pub fn local_clock(&self) -> f64 {
        // SAFETY: no arguments; thread-safe.
        unsafe { (self.api.local_clock)() }
    }

    /// Resolves a stream whose `prop` (`"name"` or `"type"`) equals `value`, waiting up to
    /// `timeout_secs`, and opens an inlet on it: 2 s of buffer (so reads stay near the newest
    /// data) and no recovery (so a vanished outlet shows as [`StreamError::Lost`]). The time
    /// correction is fetched before the stream is opened, and what was buffered is flushed.
    pub fn open_inlet(
        self: &Arc<Self>,
        prop: &str,
        value: &str,
        timeout_secs: f64,
    ) -> Result<Inlet, StreamError> {
        let api = &self.api;
        let prop_c = c_string(prop)?;
        let value_c = c_string(value)?;
        let mut found: [Handle; 16] = [std::ptr::null_mut(); 16];
        let timeout = timeout_secs.max(0.0);
        let (prop_p, value_p) = (prop_c.as_ptr(), value_c.as_ptr());
        // SAFETY: `found` has room for the 16 handles we say; both strings are NUL-terminated.
        let n =
            unsafe { (api.resolve_byprop)(found.as_mut_ptr(), 16, prop_p, value_p, 1, timeout) };
        if n < 0 {
            return Err(fatal(&format!("resolving {prop}={value}"), n));
        }
        // Destroys every resolved streaminfo when this scope ends (the inlet copies its own).
        let infos = Infos {
            lsl: self,
            handles: &found[..(n as usize).min(16)],
        };
        let Some(&resolved) = infos.handles.first() else {
            return Err(StreamError::Lost(format!(
                "no LSL stream with {prop} = \"{value}\" found within {timeout:.1} s"
            )));
        };
        // SAFETY: `resolved` is a live streaminfo from the resolver.
        let format = unsafe { (api.get_channel_format)(resolved) };
        if format == CFT_STRING || format == CFT_UNDEFINED {
            return Err(StreamError::Fatal(format!(
                "LSL stream {prop} = \"{value}\" carries strings or an undefined format, not numbers"
            )));
        }
        // SAFETY: as above; the inlet makes its own copy of the info.
        let handle = unsafe { (api.create_inlet)(resolved, 2, 0, 0) };
        if handle.is_null() {
            return Err(StreamError::Fatal(format!(
                "liblsl could not open an inlet on {value}"
            )));
        }
        // From here on, `Inlet`'s Drop destroys the handle on every early return.
        let mut inlet = Inlet {
            lsl: Arc::clone(self),
            query: (prop.to_string(), value.to_string()),
            handle,
            // SAFETY: `resolved` is live; a short info without desc, replaced below if possible.
            info: unsafe { self.describe(resolved) },
            correction: 0.0,
            corrected_at: f64::NEG_INFINITY,
            sample: Vec::new(),
            data: Vec::new(),
            stamps: Vec::new(),
        };
        drop(infos);
        let mut ec = 0;
        // SAFETY: live inlet handle; `ec` outlives the call. On failure (null) we keep the short
        // info, which lacks only the channel labels.
        let full = unsafe { (api.get_fullinfo)(handle, timeout.clamp(0.5, 5.0), &mut ec) };
        if !full.is_null() {
            // SAFETY: `full` is a live copy owned by us, destroyed right after reading it.
            unsafe {
                inlet.info = self.describe(full);
                (api.destroy_streaminfo)(full);
            }
        }
        // The first estimate takes a few hundred ms; getting it before opening the stream keeps
        // an outlet that waits for consumers from starting early. A timeout is retried in pull.
        let mut ec = 0;
        // SAFETY: live inlet handle; `ec` outlives the call.
        let correction = unsafe { (api.time_correction)(handle, timeout.max(2.0), &mut ec) };
        if ec == 0 {
            inlet.correction = correction;
            inlet.corrected_at = self.local_clock();
        } else if ec == LSL_LOST_ERROR {
            return Err(lost(value));
        }
        let mut ec = 0;
        // SAFETY: live inlet handle; `ec` outlives the call.
        unsafe { (api.open_stream)(handle, timeout.max(1.0), &mut ec) };
        if ec == LSL_TIMEOUT_ERROR {
            return Err(StreamError::Lost(format!(
                "timed out opening the LSL stream {value}"
            )));
        }
        check(ec, value)?;
        // SAFETY: live inlet handle.
        unsafe { (api.inlet_flush)(handle) };
        let c = inlet.info.n_channels();
        if c == 0 {
            return Err(StreamError::Fatal(format!(
                "the LSL stream {value} has no channels"
            )));
        }
        let rows = (inlet.info.rate_hz * 0.25).clamp(64.0, 4096.0) as usize;
        inlet.sample = vec![0.0; c];
        inlet.data = vec![0.0; rows * c];
        inlet.stamps = vec![0.0; rows];
        Ok(inlet)
    }

    /// Creates a float32 outlet that others can resolve by `name` or `kind` (LSL's type).
    pub fn create_outlet(
        self: &Arc<Self>,
        name: &str,
        kind: &str,
        channels: usize,
        rate_hz: f64,
    ) -> Result<Outlet, StreamError> {
        let api = &self.api;
        let count = i32::try_from(channels)
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| {
                StreamError::Fatal(format!(
                    "an outlet needs 1 or more channels, not {channels}"
                ))
            })?;
        let (name_c, kind_c) = (c_string(name)?, c_string(kind)?);
        let (name_p, kind_p, rate) = (name_c.as_ptr(), kind_c.as_ptr(), rate_hz.max(0.0));
        // SAFETY: NUL-terminated strings that outlive the call (source_id "": not recoverable).
        let info = unsafe {
            (api.create_streaminfo)(name_p, kind_p, count, rate, CFT_FLOAT32, c"".as_ptr())
        };
        if info.is_null() {
            return Err(StreamError::Fatal(format!(
                "liblsl refused stream info for {name}"
            )));
        }
        // SAFETY: `info` is live; the outlet copies it, so we destroy ours right after.
        let handle = unsafe {
            let handle = (api.create_outlet)(info, 0, 10);
            (api.destroy_streaminfo)(info);
            handle
        };
        if handle.is_null() {
            return Err(StreamError::Fatal(format!(
                "liblsl could not create outlet {name}"
            )));
        }
        Ok(Outlet {
            lsl: Arc::clone(self),
            handle,
            channels,
            scratch: vec![0.0; channels],
        })
    }

    /// Reads a streaminfo into [`StreamInfo`], with channel labels from
    /// `desc/channels/channel/label` where given and `ch1`… otherwise.
    ///
    /// # Safety
    /// `info` must be a live streaminfo handle of this library.
    unsafe fn describe(&self, info: Handle) -> StreamInfo {
        let api = &self.api;
        // SAFETY: `info` is live (the caller's contract); the XML pointers come from it and stay
        // valid while it does; liblsl's XML calls accept empty (null) nodes and return "" then.
        unsafe {
            let n = (api.get_channel_count)(info).max(0) as usize;
            let mut channels: Vec<String> = (1..=n).map(|i| format!("ch{i}")).collect();
            let list = (api.child)((api.get_desc)(info), c"channels".as_ptr());
            let mut node = (api.child)(list, c"channel".as_ptr());
            for label in channels.iter_mut() {
                if (api.empty)(node) != 0 {
                    break;
                }
                let text = string((api.child_value_n)(node, c"label".as_ptr()));
                if !text.trim().is_empty() {
                    *label = text.trim().to_owned();
                }
                node = (api.next_sibling_n)(node, c"channel".as_ptr());
            }
            StreamInfo {
                name: string((api.get_name)(info)),
                kind: string((api.get_type)(info)),
                channels,
                rate_hz: (api.get_nominal_srate)(info),
            }
        }
    }
}

/// Resolved streaminfos, destroyed together.
struct Infos<'a> {
    lsl: &'a Lsl,
    handles: &'a [Handle],
}

impl Drop for Infos<'_> {
    fn drop(&mut self) {
        for &h in self.handles {
            // SAFETY: each came from lsl_resolve_byprop, is owned by us and destroyed once.
            unsafe { (self.lsl.api.destroy_streaminfo)(h) };
        }
    }
}

/// An open LSL inlet.
pub struct Inlet {
    lsl: Arc<Lsl>,
    /// What it was resolved by (`"name"`/`"type"`, value), to find the stream again.
    query: (String, String),
    handle: Handle,
    info: StreamInfo,
    /// Seconds to add to the outlet's timestamps to put them on our clock.
    correction: f64,
    corrected_at: f64,
    sample: Vec<f32>,
    data: Vec<f32>,
    stamps: Vec<f64>,
}

impl std::fmt::Debug for Inlet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inlet")
            .field("info", &self.info)
            .field("correction", &self.correction)
            .finish_non_exhaustive()
    }
}

// SAFETY: the handle is owned by this value alone, and liblsl's inlets may be used from any
// thread (its docs: inlet operations are thread-safe); the buffers are plain Vecs.
unsafe impl Send for Inlet {}

impl Inlet {
    fn refresh_correction(&mut self) {
        let now = self.lsl.local_clock();
        if now - self.corrected_at < CORRECTION_EVERY {
            return;
        }
        self.corrected_at = now;
        let mut ec = 0;
        // SAFETY: live inlet handle; after the first estimate this returns at once.
        let c = unsafe { (self.lsl.api.time_correction)(self.handle, 0.005, &mut ec) };
        if ec == 0 && c.is_finite() {
            self.correction = c;
        }
    }
}

impl Source for Inlet {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn pull(&mut self, chunk: &mut Chunk, timeout_secs: f64) -> Result<(), StreamError> {
        self.refresh_correction();
        let api = self.lsl.api;
        let (c, buf) = (self.sample.len(), self.sample.as_mut_ptr());
        let mut ec = 0;
        // SAFETY: `sample` holds exactly `c` floats, which is what we say; `ec` outlives the call.
        let t = unsafe {
            (api.pull_sample_f)(self.handle, buf, c as i32, timeout_secs.max(0.0), &mut ec)
        };
        check(ec, &self.info.name)?;
        if t == 0.0 {
            return Ok(()); // nothing arrived in time
        }
        chunk.timestamps.push(t + self.correction);
        chunk.data.extend_from_slice(&self.sample);
        // Drain what is buffered; bounded so a firehose cannot hold us here forever. A sample
        // that arrived alone is usually the head of a chunk that liblsl is still unpacking:
        // give it 0.2 ms and drain once more, so that the chunk is decoded whole (otherwise
        // its first sample, stamped a chunk's length before the outlet sent it, is decoded on
        // its own and reads as a chunk-long latency).
        let before = chunk.timestamps.len();
        let mut waited = false;
        for _ in 0..64 {
            let rows = self.stamps.len();
            // SAFETY: `data` holds rows × c floats and `stamps` rows doubles, as we say.
            let n = unsafe {
                (api.pull_chunk_f)(
                    self.handle,
                    self.data.as_mut_ptr(),
                    self.stamps.as_mut_ptr(),
                    self.data.len() as c_ulong,
                    rows as c_ulong,
                    0.0,
                    &mut ec,
                )
            };
            let got = (n as usize / c.max(1)).min(rows);
            chunk
                .timestamps
                .extend(self.stamps[..got].iter().map(|t| t + self.correction));
            chunk.data.extend_from_slice(&self.data[..got * c]);
            check(ec, &self.info.name)?;
            if got == 0 && !waited && chunk.timestamps.len() == before {
                waited = true;
                std::thread::sleep(std::time::Duration::from_micros(200));
                continue;
            }
            if got < rows {
                break;
            }
        }
        Ok(())
    }

    fn clock(&self) -> f64 {
        self.lsl.local_clock()
    }

    /// Resolves the stream again (briefly) and swaps in a new inlet when it is back.
    fn reconnect(&mut self) -> Result<(), StreamError> {
        let (prop, value) = self.query.clone();
        let fresh = self.lsl.open_inlet(&prop, &value, 0.3)?;
        if fresh.info.n_channels() != self.info.n_channels() {
            return Err(StreamError::Fatal(format!(
                "{value} came back with {} channels instead of {}",
                fresh.info.n_channels(),
                self.info.n_channels()
            )));
        }
        *self = fresh;
        Ok(())
    }
}

impl Drop for Inlet {
    fn drop(&mut self) {
        // SAFETY: owned handle, destroyed exactly once.
        unsafe { (self.lsl.api.destroy_inlet)(self.handle) };
    }
}

/// An LSL outlet of float32 samples.
pub struct Outlet {
    lsl: Arc<Lsl>,
    handle: Handle,
    channels: usize,
    scratch: Vec<f32>,
}

impl std::fmt::Debug for Outlet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outlet")
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

// SAFETY: the handle is owned by this value alone and liblsl's outlets are thread-safe.
unsafe impl Send for Outlet {}

impl Outlet {
    /// Pushes one sample stamped `timestamp` (LSL clock) straight through to consumers. A
    /// sample of the wrong length is padded with zeros or cut to the outlet's channel count.
    pub fn push(&mut self, sample: &[f32], timestamp: f64) {
        let data: &[f32] = if sample.len() == self.channels {
            sample
        } else {
            let n = sample.len().min(self.channels);
            self.scratch.fill(0.0);
            self.scratch[..n].copy_from_slice(&sample[..n]);
            &self.scratch[..]
        };
        let push = self.lsl.api.push_sample_ftp;
        // SAFETY: `data` holds exactly the outlet's channel count of floats.
        let ec = unsafe { push(self.handle, data.as_ptr(), timestamp, 1) };
        if ec != 0 {
            log::warn!("LSL push failed: {}", fatal("push", ec));
        }
    }
}

impl Drop for Outlet {
    fn drop(&mut self) {
        // SAFETY: owned handle, destroyed exactly once.
        unsafe { (self.lsl.api.destroy_outlet)(self.handle) };
    }
}

/// The places a system-installed liblsl is looked for by the loader.
fn system_names() -> Vec<PathBuf> {
    let names: &[&str] = if cfg!(windows) {
        &["lsl.dll", "liblsl64.dll"]
    } else if cfg!(target_os = "macos") {
        &["liblsl.dylib", "liblsl.2.dylib"]
    } else {
        &["liblsl.so", "liblsl.so.2", "liblsl64.so"]
    };
    names.iter().map(|n| PathBuf::from(*n)).collect()
}

/// liblsl files in pip-installed pylsl packages, in the order of the module docs, and a line
/// saying where pylsl was looked for.
fn pylsl_libraries() -> (Vec<PathBuf>, String) {
    let mut roots = Vec::new(); // folders holding python3.X/
    if let Some(v) = std::env::var_os("VIRTUAL_ENV") {
        roots.push(PathBuf::from(v).join("lib"));
    }
    roots.push(PathBuf::from(".venv/lib"));
    if let Some(home) = std::env::var_os("HOME") {
        roots.push(PathBuf::from(home).join(".local/lib"));
    }
    let mut dirs: Vec<PathBuf> = roots
        .iter()
        .flat_map(|r| {
            python_dirs(r)
                .into_iter()
                .map(|p| p.join("site-packages/pylsl/lib"))
        })
        .collect();
    dirs.push("/usr/lib/python3/dist-packages/pylsl/lib".into());
    let local = python_dirs(Path::new("/usr/local/lib"));
    dirs.extend(local.into_iter().map(|p| p.join("dist-packages/pylsl/lib")));
    let mut found: Vec<PathBuf> = dirs.iter().flat_map(|d| libraries_in(d)).collect();
    let mut python = "not asked";
    if found.is_empty() {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import pylsl, os; print(os.path.dirname(pylsl.__file__))",
            ])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output();
        python = match out {
            Err(_) => "does not run",
            Ok(out) if !out.status.success() => "cannot import pylsl",
            Ok(out) => {
                let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
                found = libraries_in(&Path::new(&dir).join("lib"));
                "found pylsl"
            }
        };
    }
    let venv = if std::env::var_os("VIRTUAL_ENV").is_some() {
        "$VIRTUAL_ENV, "
    } else {
        ""
    };
    let searched = format!(
        "pylsl's bundled liblsl: looked in {venv}./.venv and ~/.local \
         (lib/python3*/site-packages/pylsl/lib), /usr/lib/python3/dist-packages/pylsl/lib, \
         /usr/local/lib/python3*/dist-packages/pylsl/lib; `python3 -c \"import pylsl\"`: {python}"
    );
    (found, searched)
}

/// `root/python3*` folders, newest name first.
fn python_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.reverse();
    dirs
}

/// `liblsl*.so*` (or the platform's equivalent) files in `dir`, shortest name first.
fn libraries_in(dir: &Path) -> Vec<PathBuf> {
    let suffix = std::env::consts::DLL_SUFFIX;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name.starts_with("liblsl") || name.starts_with("lsl")) && name.contains(suffix)
        })
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort_by_key(|p| (p.as_os_str().len(), p.clone()));
    files
}

fn c_string(s: &str) -> Result<CString, StreamError> {
    CString::new(s).map_err(|_| StreamError::Fatal(format!("{s:?} contains a NUL byte")))
}

/// # Safety
/// `p` is null or points to a NUL-terminated string that lives for the call.
unsafe fn string(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-null and NUL-terminated by the caller's contract.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn lost(what: &str) -> StreamError {
    StreamError::Lost(format!("the LSL outlet of {what} is gone"))
}

fn fatal(what: &str, ec: i32) -> StreamError {
    let why = match ec {
        LSL_TIMEOUT_ERROR => "timed out",
        LSL_LOST_ERROR => "stream lost",
        LSL_ARGUMENT_ERROR => "bad argument",
        LSL_INTERNAL_ERROR => "internal liblsl error",
        _ => "unknown liblsl error",
    };
    StreamError::Fatal(format!("{what}: {why} (liblsl error {ec})"))
}

/// Maps a liblsl error code: 0 is fine, lost is [`StreamError::Lost`], the rest are fatal.
fn check(ec: i32, what: &str) -> Result<(), StreamError> {
    match ec {
        0 => Ok(()),
        LSL_LOST_ERROR => Err(lost(what)),
        _ => Err(fatal(what, ec)),
    }
}
