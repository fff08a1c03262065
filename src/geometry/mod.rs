//! Geometry: isosurfaces, normals, smoothing, decimation, curvature, picking, clusters and
//! volume-to-surface projection.
//! Pure CPU code on plain arrays: no files, GPU or UI.

pub mod adjacency;
pub mod clusters;
pub mod curvature;
pub mod decimate;
pub mod marching_cubes;
pub mod normals;
pub mod orientation;
pub mod picking;
pub mod projection;
pub mod smooth;
