//! Mesh geometry: isosurfaces, normals, smoothing, decimation, curvature and picking.
//! Pure CPU code on plain arrays: no files, GPU or UI.

pub mod adjacency;
pub mod curvature;
pub mod decimate;
pub mod marching_cubes;
pub mod normals;
pub mod orientation;
pub mod picking;
pub mod smooth;
