//! Background jobs: slow work (loading, meshing) runs on its own thread and reports progress,
//! so the UI thread never waits. The status bar shows a progress bar per running job.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crossbeam_channel::{Receiver, TryRecvError};

use crate::model::Scene;
use crate::session::{Prepared, Session};

/// What a finished job hands back to the UI thread.
pub enum JobOutput {
    /// Files opened by the user (in the order given).
    Opened(Vec<Result<Prepared, crate::formats::FormatError>>),
    /// A session file (or the demo) loaded: replaces the current session.
    SessionLoaded {
        session: Box<Session>,
        errors: Vec<String>,
        /// The built-in demo, which gives way to anything the user opened meanwhile.
        demo: bool,
    },
    /// Volume layers loaded (the demo's, after its brain): added to the current session.
    VolumesLoaded {
        layers: Vec<(crate::model::VolumeLayer, Arc<crate::session::VolumeData>)>,
        errors: Vec<String>,
    },
    /// A cluster mask computed.
    ClusterMask(crate::session::MaskRequest, Vec<u8>),
    /// The template brain for electrodes of a recording opened alone.
    TemplateBrain(
        Result<
            (
                Arc<crate::session::SurfaceData>,
                Arc<crate::session::SurfaceData>,
            ),
            String,
        >,
    ),
    /// Overview pyramids of a recording (one per channel), for the data with `key`.
    Pyramids {
        id: crate::model::LayerId,
        key: u64,
        result: Result<Vec<crate::dsp::Pyramid>, String>,
    },
    /// A figure saved (or not).
    Saved(Result<String, String>),
    /// The job failed unexpectedly (a bug: reported, never fatal).
    Failed(String),
}

struct Job {
    label: String,
    progress: Arc<AtomicU32>,
    rx: Receiver<JobOutput>,
}

/// The running jobs.
#[derive(Default)]
pub struct Jobs {
    running: Vec<Job>,
}

impl Jobs {
    /// Runs `work` on a new thread. `work` gets a progress callback taking 0..1. A panic in
    /// `work` comes back as [`JobOutput::Failed`] instead of taking the app down.
    pub fn spawn(
        &mut self,
        ctx: &egui::Context,
        label: impl Into<String>,
        work: impl FnOnce(&(dyn Fn(f32) + Sync)) -> JobOutput + Send + 'static,
    ) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let progress = Arc::new(AtomicU32::new(0));
        let shared = progress.clone();
        let ctx = ctx.clone();
        let label = label.into();
        let name = label.clone();
        std::thread::spawn(move || {
            let report = |p: f32| {
                shared.store(p.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
                ctx.request_repaint();
            };
            let output = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&report)))
                .unwrap_or_else(|panic| {
                    let why = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    JobOutput::Failed(format!("{name} failed unexpectedly: {why}"))
                });
            let _ = tx.send(output);
            ctx.request_repaint();
        });
        self.running.push(Job {
            label,
            progress,
            rx,
        });
    }

    /// Loads a Scene in the background (`demo`: it is the built-in demo).
    pub fn load_scene(
        &mut self,
        ctx: &egui::Context,
        label: impl Into<String>,
        scene: Scene,
        demo: bool,
    ) {
        self.spawn(ctx, label, move |progress| {
            let (session, errors) = crate::session::load_scene(scene, progress);
            JobOutput::SessionLoaded {
                session: Box::new(session),
                errors,
                demo,
            }
        });
    }

    /// Outputs of the jobs that have finished since the last call.
    pub fn poll(&mut self) -> Vec<JobOutput> {
        let mut done = Vec::new();
        self.running.retain(|job| match job.rx.try_recv() {
            Ok(output) => {
                done.push(output);
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => false,
        });
        done
    }

    pub fn is_idle(&self) -> bool {
        self.running.is_empty()
    }

    /// (label, progress 0..1) of each running job.
    pub fn status(&self) -> Vec<(String, f32)> {
        self.running
            .iter()
            .map(|j| {
                (
                    j.label.clone(),
                    f32::from_bits(j.progress.load(Ordering::Relaxed)),
                )
            })
            .collect()
    }
}
