//! Loading a saved Scene: every layer's data, read again from its files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::prepare::isosurface;
use super::{OverlayValuesData, Session, SurfaceData};
use crate::formats::{self, Loaded};
use crate::model::{LayerId, OverlayLayer, Scene, Source, UnderlayShading};

/// Files read while loading one Scene, each once however many layers come from it. Per-vertex
/// readings are kept apart: an MGH file is a volume to [`formats::load`] but per-vertex data to
/// [`formats::load_per_vertex`].
#[derive(Default)]
struct FileCache {
    files: HashMap<(PathBuf, bool), Result<Arc<Loaded>, String>>,
}

impl FileCache {
    fn get(&mut self, path: &Path, per_vertex: bool) -> Result<Arc<Loaded>, String> {
        self.files
            .entry((path.to_owned(), per_vertex))
            .or_insert_with(|| {
                let loaded = if per_vertex {
                    formats::load_per_vertex(path)
                } else {
                    formats::load(path)
                };
                loaded.map(Arc::new).map_err(|e| e.to_string())
            })
            .clone()
    }
}

/// Loads everything a Scene refers to (blocking; run it off the UI thread). Layers whose data
/// cannot be loaded are dropped from the returned session, each with a message.
pub fn load_scene(scene: Scene, progress: &(dyn Fn(f32) + Sync)) -> (Session, Vec<String>) {
    let mut errors = Vec::new();
    let mut files = FileCache::default();
    let needs_demo = scene
        .surfaces
        .iter()
        .any(|s| matches!(&s.source, Source::Demo { .. }));
    let demo = needs_demo.then(crate::demo::hemispheres);

    let mut session = Session::new(Scene {
        surfaces: Vec::new(),
        volumes: Vec::new(),
        recordings: Vec::new(),
        spikes: Vec::new(),
        ..scene.clone()
    });
    let n = scene.surfaces.len().max(1) as f32;
    for (i, mut layer) in scene.surfaces.into_iter().enumerate() {
        let data = match &layer.source {
            Source::Demo { name } => match (&demo, name.as_str()) {
                (Some(Ok((l, _))), crate::demo::LEFT) => Ok(l.clone()),
                (Some(Ok((_, r))), crate::demo::RIGHT) => Ok(r.clone()),
                (Some(Err(e)), _) => Err(format!("demo brain: {e}")),
                _ => Err(format!("unknown demo surface {name:?}")),
            },
            Source::File { path, .. } => files.get(path, false).and_then(|l| {
                let surface = l
                    .surface
                    .clone()
                    .ok_or_else(|| format!("{}: holds no mesh", path.display()))?;
                surface
                    .validate()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Arc::new(SurfaceData::new(surface)))
            }),
            Source::Isosurface { path, level } => files.get(path, false).and_then(|l| {
                let volume = l
                    .volume
                    .as_ref()
                    .ok_or_else(|| format!("{}: holds no volume", path.display()))?;
                isosurface(volume, *level, path)
                    .map(|s| Arc::new(SurfaceData::new(s)))
                    .map_err(|e| e.to_string())
            }),
            Source::Projection { .. } => {
                Err(format!("{}: not a surface", layer.source.display_name()))
            }
        };
        let data = match data {
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let overlays = std::mem::take(&mut layer.overlays);
        let underlay = layer.underlay.clone();
        let id = layer.id;
        session.scene.surfaces.push(layer);
        session.surfaces.insert(id, data.clone());
        session.touch();
        if let UnderlayShading::File { source } = underlay
            && let Err(e) = load_underlay(&mut session, &mut files, id, source)
        {
            errors.push(e);
            if let Some(s) = session.scene.surface_mut(id) {
                s.underlay = UnderlayShading::Curvature;
            }
        }
        for o in overlays {
            let n_vertices = data.surface.n_vertices();
            if let Err(e) = load_overlay(&mut session, &mut files, id, o, n_vertices) {
                errors.push(e);
            }
        }
        progress((i + 1) as f32 / n);
    }
    for layer in scene.recordings {
        let data = match &layer.source {
            Source::Demo { name } => crate::demo::recording(name),
            other => match other.path() {
                Some(path) => formats::load(path)
                    .map_err(|e| e.to_string())
                    .and_then(|l| {
                        l.recording
                            .ok_or_else(|| format!("{}: holds no recording", path.display()))
                    }),
                None => Err(format!("{}: not a recording", other.display_name())),
            },
        };
        match data {
            Ok(recording) => {
                let data = Arc::new(super::recordings::RecordingData::new(recording));
                let montage = layer.montage.clone();
                let id = layer.id;
                session.recordings.insert(layer.id, data);
                session.scene.recordings.push(layer);
                session.touch();
                if let Some(source) = montage {
                    let applied = source
                        .path()
                        .ok_or_else(|| format!("{}: not a file", source.display_name()))
                        .and_then(|p| formats::montage::read(p).map_err(|e| e.to_string()))
                        .and_then(|e| session.apply_montage(&source, e, Some(id)));
                    if let Err(e) = applied {
                        errors.push(e);
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    for layer in scene.spikes {
        if let Err(e) = session.reload_spikes(layer) {
            errors.push(e);
        }
    }
    for layer in scene.volumes {
        match super::volumes::reload_volume(&layer) {
            Ok((data, warning)) => {
                errors.extend(warning);
                session.insert_volume(layer, Arc::new(data));
            }
            Err(e) => errors.push(e),
        }
    }
    (session, errors)
}

fn load_underlay(
    session: &mut Session,
    files: &mut FileCache,
    id: LayerId,
    source: Source,
) -> Result<(), String> {
    let path = source.path().ok_or("an underlay must come from a file")?;
    let loaded = files.get(path, true)?;
    let overlay = loaded
        .overlays
        .first()
        .ok_or_else(|| format!("{}: holds no per-vertex data", path.display()))?;
    session
        .set_underlay(id, source.clone(), overlay)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn load_overlay(
    session: &mut Session,
    files: &mut FileCache,
    surface: LayerId,
    layer: OverlayLayer,
    n_vertices: usize,
) -> Result<(), String> {
    let overlay = match &layer.source {
        Source::Demo { name } if name == crate::demo::ACTIVATION => None,
        Source::Projection {
            of,
            depth_mm,
            frame,
        } => {
            let volume = match of.as_ref() {
                Source::Demo { name } => crate::demo::volume(name)?,
                Source::File { path, .. } => files
                    .get(path, false)?
                    .volume
                    .clone()
                    .ok_or_else(|| format!("{}: holds no volume", path.display()))?,
                other => return Err(format!("{}: not a volume", other.display_name())),
            };
            let surface = session
                .surface_data(surface)
                .ok_or("the surface is gone")?
                .clone();
            Some(super::volumes::projection_overlay(
                &volume, *frame, &surface, *depth_mm,
            ))
        }
        Source::File { path, item } => {
            let loaded = files.get(path, true)?;
            let overlay = loaded.overlays.get(*item).cloned().ok_or_else(|| {
                format!("{}: has no per-vertex array number {item}", path.display())
            })?;
            Some(overlay)
        }
        other => return Err(format!("{}: not per-vertex data", other.display_name())),
    };
    if let Some(overlay) = overlay {
        let data = OverlayValuesData::new(overlay, n_vertices)
            .map_err(|e| format!("{}: {e}", layer.source.display_name()))?;
        session.overlays.insert(layer.id, Arc::new(data));
    }
    if let Some(s) = session.scene.surface_mut(surface) {
        s.overlays.push(layer);
    }
    session.touch();
    Ok(())
}
