//! Isosurfaces of voxel images: a multi-threaded, welded marching cubes.
//!
//! [`marching_cubes`] turns a scalar grid into an indexed triangle mesh in voxel coordinates;
//! [`isosurface`] wraps it for a [`Volume`]: world coordinates, optional Taubin smoothing and
//! decimation. The mesh is welded by construction, never by comparing float positions: every
//! grid edge that the surface crosses is *owned* by its lower grid point and gets exactly one
//! vertex, numbered from per-row prefix sums as in Flying Edges (Schroeder et al. 2015):
//!
//! 1. classify every grid point (inside = value ≥ level) and note which of its three edges (+x,
//!    +y, +z) cross the level; count the crossings per grid row;
//! 2. an exclusive prefix sum over rows gives each row the number of its first vertex;
//! 3. per z-slice, in parallel: write the row's vertices in order, then walk the cubes of the
//!    slice row by row, keeping one running vertex counter per adjacent grid row, so each cube
//!    finds the numbers of its edge vertices without any lookup structure.
//!
//! The case table is the classic 256-case one, generated at compile time from the cube's faces
//! (see `build_case`): ambiguous faces always separate the inside corners, so neighbouring cubes
//! agree and the surface of a volume that is below the level on its border is a closed
//! 2-manifold. It does not resolve interior ambiguities (no asymptotic decider, unlike
//! Lewiner's variant in scikit-image), and computes no normals (see [`super::normals`]).

use std::sync::atomic::{AtomicUsize, Ordering};

use glam::{DMat3, DMat4, Vec3};
use rayon::prelude::*;

use crate::model::{Surface, Volume};

/// How to turn a volume into a surface with [`isosurface`].
#[derive(Clone, Debug, PartialEq)]
pub struct IsosurfaceOptions {
    /// Values at or above the level are inside.
    pub level: f32,
    /// Taubin λ|μ smoothing passes (see [`super::smooth`]); 0 keeps the raw surface.
    pub smoothing_iterations: usize,
    /// Decimate to about this many triangles with meshoptimizer (see [`super::decimate`]).
    pub target_triangles: Option<usize>,
}

impl Default for IsosurfaceOptions {
    fn default() -> Self {
        Self {
            level: 0.5,
            smoothing_iterations: 0,
            target_triangles: None,
        }
    }
}

/// The isosurface of `volume` at `opts.level` in world coordinates, triangles counter-clockwise
/// seen from the side below the level (for a probability map: normals point out of the tissue),
/// whatever the handedness of the affine.
pub fn isosurface(volume: &Volume, opts: &IsosurfaceOptions) -> Surface {
    isosurface_with_progress(volume, opts, &|_| {})
}

/// [`isosurface`], reporting the fraction done (0 to 1) to `progress` from worker threads.
pub fn isosurface_with_progress(
    volume: &Volume,
    opts: &IsosurfaceOptions,
    progress: &(dyn Fn(f32) + Sync),
) -> Surface {
    // Share of the progress bar for marching cubes when smoothing or decimation follow.
    let post_processing = opts.smoothing_iterations > 0 || opts.target_triangles.is_some();
    let cubes_share = if post_processing { 0.7 } else { 1.0 };
    let (voxel_positions, mut triangles) =
        marching_cubes_with_progress(&volume.frame_f32(0), volume.dims, opts.level, &|f| {
            progress(f * cubes_share)
        });
    let mut positions = to_world(&voxel_positions, volume.world_from_voxel);
    if mirrors(volume.world_from_voxel) {
        // A mirroring affine (e.g. LAS storage) turns counter-clockwise into clockwise.
        triangles.par_iter_mut().for_each(|t| t.swap(1, 2));
    }
    if opts.smoothing_iterations > 0 {
        smooth(&mut positions, &triangles, opts.smoothing_iterations);
        progress(0.85);
    }
    let mut surface = Surface {
        name: volume.name.clone(),
        positions,
        triangles,
        hemisphere: None,
    };
    if let Some(target) = opts.target_triangles {
        surface = super::decimate::decimate(&surface, target);
    }
    progress(1.0);
    surface
}

fn to_world(voxel_positions: &[Vec3], world_from_voxel: DMat4) -> Vec<Vec3> {
    voxel_positions
        .par_iter()
        .map(|p| world_from_voxel.transform_point3(p.as_dvec3()).as_vec3())
        .collect()
}

fn mirrors(world_from_voxel: DMat4) -> bool {
    DMat3::from_mat4(world_from_voxel).determinant() < 0.0
}

fn smooth(positions: &mut [Vec3], triangles: &[[u32; 3]], iterations: usize) {
    let adjacency = super::adjacency::VertexAdjacency::new(positions.len(), triangles);
    let opts = super::smooth::TaubinOptions {
        iterations,
        ..Default::default()
    };
    super::smooth::taubin_smooth(positions, &adjacency, &opts);
}

/// Marching cubes on `data` (x fastest: `data[x + nx * (y + ny * z)]`) at `level`.
///
/// Returns welded vertices in voxel coordinates and triangles counter-clockwise seen from the
/// side below the level. NaN counts as below the level. A crossing that falls exactly on a grid
/// point is moved [`CORNER_GAP`] voxels into its edge, so no two vertices coincide and no
/// triangle has zero area. The result is identical whatever the number of threads.
///
/// # Panics
/// If `data.len()` is not `dims[0] * dims[1] * dims[2]`, or the surface would need more than
/// `u32::MAX` vertices.
pub fn marching_cubes(data: &[f32], dims: [usize; 3], level: f32) -> (Vec<Vec3>, Vec<[u32; 3]>) {
    marching_cubes_with_progress(data, dims, level, &|_| {})
}

/// [`marching_cubes`], reporting the fraction done (0 to 1) to `progress` from worker threads.
pub fn marching_cubes_with_progress(
    data: &[f32],
    dims: [usize; 3],
    level: f32,
    progress: &(dyn Fn(f32) + Sync),
) -> (Vec<Vec3>, Vec<[u32; 3]>) {
    let [nx, ny, nz] = dims;
    assert_eq!(
        data.len(),
        nx * ny * nz,
        "marching_cubes: data has {} values but dims {dims:?} need {}",
        data.len(),
        nx * ny * nz
    );
    // With fewer than two points along an axis there are no cubes, hence no triangles.
    if nx < 2 || ny < 2 || nz < 2 {
        return (Vec::new(), Vec::new());
    }
    let grid = Grid { data, dims, level };
    let slices_done = AtomicUsize::new(0);
    // Each slice is visited twice (classification, then vertices and triangles).
    let report = || {
        let done = slices_done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(done as f32 / (2 * nz) as f32);
    };

    let (flags, rows) = grid.classify(&report);
    let first_vertex = row_prefix_sums(&rows);
    let n_vertices = *first_vertex.last().unwrap_or(&0) as usize;

    let mut positions = vec![Vec3::ZERO; n_vertices];
    let vertex_slices = split_by_slice(&mut positions, &first_vertex, ny);
    let triangles_per_slice: Vec<Vec<[u32; 3]>> = vertex_slices
        .into_par_iter()
        .enumerate()
        .map(|(z, vertices)| {
            grid.write_slice_vertices(z, &flags, &rows, vertices);
            let triangles = if z + 1 < nz {
                grid.slice_triangles(z, &flags, &rows, &first_vertex)
            } else {
                Vec::new()
            };
            report();
            triangles
        })
        .collect();
    (positions, triangles_per_slice.concat())
}

/// How far (in voxels) a vertex is kept from a grid point when the value there equals the level.
pub const CORNER_GAP: f32 = 1e-3;

/// Per-grid-point flags: whether the point is inside and which of its three edges cross.
const INSIDE: u8 = 1;
const CROSS_X: u8 = 2;
const CROSS_Y: u8 = 4;
const CROSS_Z: u8 = 8;

/// The number of vertices owned by a grid point with these flags (a table: `count_ones` is
/// slow without the POPCNT instruction, which baseline x86-64 lacks).
fn crossings(flags: u8) -> u32 {
    const COUNT: [u8; 16] = [0, 0, 1, 1, 1, 1, 2, 2, 1, 1, 2, 2, 2, 2, 3, 3];
    u32::from(COUNT[usize::from(flags & 15)])
}

/// What pass 1 learns about one grid row (fixed y and z).
#[derive(Clone, Copy, Default)]
struct RowSummary {
    n_crossings: u32,
    /// First and last x whose point owns a crossing edge (`first > last` when none does).
    first: u32,
    last: u32,
}

impl RowSummary {
    fn of(row_flags: &[u8]) -> Self {
        let has_crossing = |f: &u8| f & !INSIDE != 0;
        let (Some(first), Some(last)) = (
            row_flags.iter().position(has_crossing),
            row_flags.iter().rposition(has_crossing),
        ) else {
            return Self {
                n_crossings: 0,
                first: 1,
                last: 0,
            };
        };
        Self {
            // Bit arithmetic rather than `crossings`, so that the sum vectorises.
            n_crossings: row_flags[first..=last]
                .iter()
                .map(|&f| u32::from(((f >> 1) & 1) + ((f >> 2) & 1) + ((f >> 3) & 1)))
                .sum(),
            first: first as u32,
            last: last as u32,
        }
    }

    fn is_empty(&self) -> bool {
        self.first > self.last
    }
}

struct Grid<'a> {
    data: &'a [f32],
    dims: [usize; 3],
    level: f32,
}

impl Grid<'_> {
    /// Pass 1: flags for every grid point and a summary of every row, in parallel over z.
    fn classify(&self, slice_done: &(dyn Fn() + Sync)) -> (Vec<u8>, Vec<RowSummary>) {
        let [nx, ny, nz] = self.dims;
        let mut flags = vec![0u8; nx * ny * nz];
        let mut rows = vec![RowSummary::default(); ny * nz];
        flags
            .par_chunks_mut(nx * ny)
            .zip(rows.par_chunks_mut(ny))
            .enumerate()
            .for_each(|(z, (slice_flags, slice_rows))| {
                for (y, (row_flags, summary)) in slice_flags
                    .chunks_exact_mut(nx)
                    .zip(slice_rows.iter_mut())
                    .enumerate()
                {
                    *summary = self.classify_row(y, z, row_flags);
                }
                slice_done();
            });
        (flags, rows)
    }

    fn classify_row(&self, y: usize, z: usize, row_flags: &mut [u8]) -> RowSummary {
        let [nx, ny, nz] = self.dims;
        let start = nx * (y + ny * z);
        let row = &self.data[start..start + nx];
        // On the last row or slice there is no +y or +z edge: compare the row with itself.
        let next_y = if y + 1 < ny {
            &self.data[start + nx..start + 2 * nx]
        } else {
            row
        };
        let next_z = if z + 1 < nz {
            &self.data[start + nx * ny..start + nx * ny + nx]
        } else {
            row
        };
        let level = self.level;
        // NaN compares false, so it counts as below the level.
        let inside = |v: f32| u8::from(v >= level);
        let last = nx - 1;
        // Branch-free so that the compiler vectorises it: this loop sees every voxel.
        let neighbours = row[1..].iter().zip(&next_y[..last]).zip(&next_z[..last]);
        for ((flags, &value), ((&right, &above), &behind)) in row_flags[..last]
            .iter_mut()
            .zip(&row[..last])
            .zip(neighbours)
        {
            let here = inside(value);
            *flags = here
                | ((here ^ inside(right)) << 1)
                | ((here ^ inside(above)) << 2)
                | ((here ^ inside(behind)) << 3);
        }
        let here = inside(row[last]);
        row_flags[last] =
            here | ((here ^ inside(next_y[last])) << 2) | ((here ^ inside(next_z[last])) << 3);
        RowSummary::of(row_flags)
    }

    /// Pass 3a: the vertices owned by the points of slice `z`, in vertex-number order.
    fn write_slice_vertices(&self, z: usize, flags: &[u8], rows: &[RowSummary], out: &mut [Vec3]) {
        let [nx, ny, _] = self.dims;
        let mut next = 0;
        for y in 0..ny {
            let summary = rows[y + ny * z];
            if summary.is_empty() {
                continue;
            }
            let row_start = nx * (y + ny * z);
            let (first, last) = (summary.first as usize, summary.last as usize);
            for (x, &f) in flags[row_start + first..=row_start + last]
                .iter()
                .enumerate()
                .map(|(i, f)| (first + i, f))
            {
                if f & !INSIDE == 0 {
                    continue;
                }
                let point = Vec3::new(x as f32, y as f32, z as f32);
                let at = row_start + x;
                let value = self.data[at];
                if f & CROSS_X != 0 {
                    out[next] = point + Vec3::X * self.crossing_fraction(value, self.data[at + 1]);
                    next += 1;
                }
                if f & CROSS_Y != 0 {
                    out[next] = point + Vec3::Y * self.crossing_fraction(value, self.data[at + nx]);
                    next += 1;
                }
                if f & CROSS_Z != 0 {
                    let t = self.crossing_fraction(value, self.data[at + nx * ny]);
                    out[next] = point + Vec3::Z * t;
                    next += 1;
                }
            }
        }
        debug_assert_eq!(next, out.len());
    }

    /// Where along an edge from value `a` to value `b` the level is crossed, kept off the ends.
    fn crossing_fraction(&self, a: f32, b: f32) -> f32 {
        let t = (self.level - a) / (b - a);
        // NaN or infinite values give no useful interpolation: take the middle of the edge.
        let t = if t.is_finite() { t } else { 0.5 };
        t.clamp(CORNER_GAP, 1.0 - CORNER_GAP)
    }

    /// Pass 3b: the triangles of the cubes between slices `z` and `z + 1`.
    fn slice_triangles(
        &self,
        z: usize,
        flags: &[u8],
        rows: &[RowSummary],
        first_vertex: &[u32],
    ) -> Vec<[u32; 3]> {
        let [nx, ny, _] = self.dims;
        let mut triangles = Vec::new();
        for y in 0..ny - 1 {
            // The four grid rows around this row of cubes, indexed dy + 2 dz like cube corners.
            let row_ids = [
                y + ny * z,
                y + 1 + ny * z,
                y + ny * (z + 1),
                y + 1 + ny * (z + 1),
            ];
            let summaries = row_ids.map(|r| rows[r]);
            let Some((first_cube, last_cube)) = active_cubes(&summaries, nx) else {
                continue;
            };
            let row_flags = row_ids.map(|r| &flags[r * nx..(r + 1) * nx]);
            // No row owns a crossing before `first_cube`, so its counters start at the row's base.
            let counters = row_ids.map(|r| first_vertex[r]);
            cube_row_triangles(&row_flags, counters, first_cube..=last_cube, &mut triangles);
        }
        triangles
    }
}

/// The cubes of a row that can hold surface: every other cube has eight equal corners.
fn active_cubes(summaries: &[RowSummary; 4], nx: usize) -> Option<(usize, usize)> {
    let first = summaries
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.first as usize)
        .min()?;
    let last = summaries
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.last as usize)
        .max()?;
    // Cube x spans points x and x + 1, so the cube just before the first crossing point counts.
    Some((first.saturating_sub(1), last.min(nx - 2)))
}

/// Emits the triangles of cubes `cubes` in one row. `counters[r]` is the number of the first
/// vertex owned by point `cubes.start()` of grid row `r`.
fn cube_row_triangles(
    row_flags: &[&[u8]; 4],
    mut counters: [u32; 4],
    cubes: std::ops::RangeInclusive<usize>,
    triangles: &mut Vec<[u32; 3]>,
) {
    let (first, last) = (*cubes.start(), *cubes.end());
    // Slicing once up front lets the compiler drop the bounds checks inside the loop.
    let [r0, r1, r2, r3] = row_flags.map(|r| &r[first..=last + 1]);
    let mut here = [r0[0], r1[0], r2[0], r3[0]];
    for i in 1..=last - first + 1 {
        let there = [r0[i], r1[i], r2[i], r3[i]];
        let case = corner_bits(&here) | (corner_bits(&there) << 1);
        let next_counters = [
            counters[0] + crossings(here[0]),
            counters[1] + crossings(here[1]),
            counters[2] + crossings(here[2]),
            counters[3] + crossings(here[3]),
        ];
        if case != 0 && case != 255 {
            let cube = &CASES[case];
            let ids = edge_vertex_ids(&here, &there, &counters, &next_counters);
            for tri in &cube.triangles[..usize::from(cube.n_triangles)] {
                triangles.push(tri.map(|e| ids[usize::from(e)]));
            }
        }
        here = there;
        counters = next_counters;
    }
}

/// The inside bits of the four points at one x, at the case bits of the cube corners with
/// dx = 0 (bit 2r for row r).
fn corner_bits(flags: &[u8; 4]) -> usize {
    usize::from(
        (flags[0] & INSIDE)
            | ((flags[1] & INSIDE) << 2)
            | ((flags[2] & INSIDE) << 4)
            | ((flags[3] & INSIDE) << 6),
    )
}

/// The vertex number of each of a cube's 12 edges (meaningless for edges that do not cross).
/// Within a grid point its vertices are numbered x, y, z, skipping edges that do not cross.
fn edge_vertex_ids(
    here: &[u8; 4],
    there: &[u8; 4],
    counters: &[u32; 4],
    next_counters: &[u32; 4],
) -> [u32; 12] {
    let x_bit = |f: u8| u32::from(f & CROSS_X != 0);
    let y_bit = |f: u8| u32::from(f & CROSS_Y != 0);
    // The point at corner (dx, row r) owns these edges; pick its flags and counter.
    let point = |dx: usize, r: usize| {
        if dx == 0 {
            (here[r], counters[r])
        } else {
            (there[r], next_counters[r])
        }
    };
    let mut ids = [0u32; 12];
    for (e, id) in ids.iter_mut().enumerate() {
        *id = match e {
            // x-edge at (y, z) = (e & 1, e >> 1): row e, point 0.
            0..=3 => counters[e],
            // y-edge at (x, z): row 2z, point x; after the point's x vertex.
            4..=7 => {
                let (f, c) = point(e & 1, 2 * ((e >> 1) & 1));
                c + x_bit(f)
            }
            // z-edge at (x, y): row y, point x; after the point's x and y vertices.
            _ => {
                let (f, c) = point(e & 1, (e >> 1) & 1);
                c + x_bit(f) + y_bit(f)
            }
        };
    }
    ids
}

/// Exclusive prefix sums of the rows' crossing counts, with the total appended.
fn row_prefix_sums(rows: &[RowSummary]) -> Vec<u32> {
    let mut first_vertex = Vec::with_capacity(rows.len() + 1);
    let mut total: u64 = 0;
    first_vertex.push(0);
    for row in rows {
        total += u64::from(row.n_crossings);
        assert!(
            total <= u64::from(u32::MAX),
            "marching_cubes: more than u32::MAX vertices"
        );
        first_vertex.push(total as u32);
    }
    first_vertex
}

/// Splits `positions` into the vertices owned by each z-slice (`ny` rows each).
fn split_by_slice<'a>(
    mut positions: &'a mut [Vec3],
    first_vertex: &[u32],
    ny: usize,
) -> Vec<&'a mut [Vec3]> {
    let nz = (first_vertex.len() - 1) / ny;
    let mut slices = Vec::with_capacity(nz);
    for z in 0..nz {
        let len = (first_vertex[(z + 1) * ny] - first_vertex[z * ny]) as usize;
        let (head, tail) = positions.split_at_mut(len);
        slices.push(head);
        positions = tail;
    }
    slices
}

// ---------------------------------------------------------------------------------------------
// The case table.
//
// Corner c of a cube sits at (c & 1, (c >> 1) & 1, (c >> 2) & 1) relative to its lowest grid
// point, so bit c of a case is "corner c is inside". Edges are numbered by the point that owns
// them: x-edges 0..4 start at (0, e & 1, e >> 1), y-edges 4..8 at (e & 1, 0, (e >> 1) & 1),
// z-edges 8..12 at (e & 1, (e >> 1) & 1, 0).

/// The most triangles any case needs.
const MAX_TRIANGLES: usize = 5;

/// The triangles of one of the 256 cases, as edge numbers.
#[derive(Clone, Copy)]
struct CubeCase {
    n_triangles: u8,
    triangles: [[u8; 3]; MAX_TRIANGLES],
}

/// All 256 cases, built at compile time.
static CASES: [CubeCase; 256] = build_cases();

/// The six faces, corners counter-clockwise as seen from outside the cube.
const FACES: [[u8; 4]; 6] = [
    [0, 4, 6, 2], // x = 0
    [1, 3, 7, 5], // x = 1
    [0, 1, 5, 4], // y = 0
    [2, 6, 7, 3], // y = 1
    [0, 2, 3, 1], // z = 0
    [4, 5, 7, 6], // z = 1
];

const NO_EDGE: u8 = u8::MAX;

const fn edge_between(a: u8, b: u8) -> u8 {
    let low = if a < b { a } else { b };
    let (x, y, z) = (low & 1, (low >> 1) & 1, (low >> 2) & 1);
    match a ^ b {
        1 => y + 2 * z,
        2 => 4 + x + 2 * z,
        _ => 8 + x + 2 * y,
    }
}

const fn is_inside(case: usize, corner: u8) -> bool {
    case & (1 << corner) != 0
}

const fn build_cases() -> [CubeCase; 256] {
    let mut cases = [CubeCase {
        n_triangles: 0,
        triangles: [[0; 3]; MAX_TRIANGLES],
    }; 256];
    let mut case = 0;
    while case < 256 {
        cases[case] = build_case(case);
        case += 1;
    }
    cases
}

/// Traces the closed polygons where the surface meets the cube's faces and triangulates each.
///
/// On every face, walking its corners counter-clockwise (seen from outside the cube), a
/// crossing from an outside to an inside corner ("entry") is joined to the next crossing from
/// an inside to an outside corner ("exit"). Joining each entry to the *next* exit separates the
/// inside corners of an ambiguous face; both cubes sharing the face see the same corners, so
/// they cut it the same way. An exit on one face is the entry on the neighbouring face, so the
/// segments chain into loops that keep the inside corners on their right: counter-clockwise seen
/// from the outside (below-level) side.
const fn build_case(case: usize) -> CubeCase {
    let next = face_segments(case);
    let mut out = CubeCase {
        n_triangles: 0,
        triangles: [[0; 3]; MAX_TRIANGLES],
    };
    let mut visited = [false; 12];
    let mut start = 0;
    while start < 12 {
        if next[start] != NO_EDGE && !visited[start] {
            let mut polygon = [NO_EDGE; 12];
            let mut len = 0;
            let mut edge = start as u8;
            loop {
                visited[edge as usize] = true;
                polygon[len] = edge;
                len += 1;
                edge = next[edge as usize];
                if edge == start as u8 {
                    break;
                }
            }
            fan_triangulate(&polygon, len, &mut out);
        }
        start += 1;
    }
    out
}

/// Fans a loop into triangles from a corner whose diagonals never run along a cube face.
///
/// A diagonal between two vertices on the same face would lie in that face, where the
/// neighbouring cube may draw the same diagonal: that edge would then have four triangles.
const fn fan_triangulate(polygon: &[u8; 12], len: usize, out: &mut CubeCase) {
    let mut apex = 0;
    while apex < len && !is_good_apex(polygon, len, apex) {
        apex += 1;
    }
    assert!(apex < len, "marching cubes loop has no face-free fan");
    let mut i = 1;
    while i + 1 < len {
        let n = out.n_triangles as usize;
        assert!(
            n < MAX_TRIANGLES,
            "marching cubes case needs too many triangles"
        );
        out.triangles[n] = [
            polygon[apex],
            polygon[(apex + i) % len],
            polygon[(apex + i + 1) % len],
        ];
        out.n_triangles += 1;
        i += 1;
    }
}

const fn is_good_apex(polygon: &[u8; 12], len: usize, apex: usize) -> bool {
    let mut i = 2;
    while i + 1 < len {
        if share_a_face(polygon[apex], polygon[(apex + i) % len]) {
            return false;
        }
        i += 1;
    }
    true
}

const fn share_a_face(a: u8, b: u8) -> bool {
    let mut f = 0;
    while f < 6 {
        let mut has_a = false;
        let mut has_b = false;
        let mut k = 0;
        while k < 4 {
            let e = edge_between(FACES[f][k], FACES[f][(k + 1) % 4]);
            has_a |= e == a;
            has_b |= e == b;
            k += 1;
        }
        if has_a && has_b {
            return true;
        }
        f += 1;
    }
    false
}

/// For every crossing edge, the crossing edge that follows it on the loop.
const fn face_segments(case: usize) -> [u8; 12] {
    let mut next = [NO_EDGE; 12];
    let mut f = 0;
    while f < 6 {
        let corners = FACES[f];
        let mut k = 0;
        while k < 4 {
            if is_entry(case, &corners, k) {
                let mut j = (k + 1) % 4;
                while !is_exit(case, &corners, j) {
                    j = (j + 1) % 4;
                }
                let entry = edge_between(corners[k], corners[(k + 1) % 4]);
                next[entry as usize] = edge_between(corners[j], corners[(j + 1) % 4]);
            }
            k += 1;
        }
        f += 1;
    }
    next
}

/// Whether the face edge from corner k to corner k + 1 goes from outside to inside.
const fn is_entry(case: usize, corners: &[u8; 4], k: usize) -> bool {
    !is_inside(case, corners[k]) && is_inside(case, corners[(k + 1) % 4])
}

/// Whether the face edge from corner k to corner k + 1 goes from inside to outside.
const fn is_exit(case: usize, corners: &[u8; 4], k: usize) -> bool {
    is_inside(case, corners[k]) && !is_inside(case, corners[(k + 1) % 4])
}

/// Signed volume enclosed by a closed mesh (positive when triangles face outward).
#[cfg(test)]
pub(crate) fn enclosed_volume(positions: &[Vec3], triangles: &[[u32; 3]]) -> f64 {
    triangles
        .iter()
        .map(|t| {
            let [a, b, c] = t.map(|i| positions[i as usize].as_dvec3());
            a.dot(b.cross(c)) / 6.0
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use glam::DVec3;

    use super::*;

    fn sphere_volume(n: usize, center: Vec3, radius: f32) -> Vec<f32> {
        let mut data = Vec::with_capacity(n * n * n);
        for z in 0..n {
            for y in 0..n {
                for x in 0..n {
                    let p = Vec3::new(x as f32, y as f32, z as f32);
                    data.push(radius - p.distance(center));
                }
            }
        }
        data
    }

    /// Every undirected edge → how many triangles use it, and whether directions are opposite.
    fn edge_uses(triangles: &[[u32; 3]]) -> HashMap<(u32, u32), (usize, i32)> {
        let mut uses = HashMap::new();
        for t in triangles {
            for k in 0..3 {
                let (a, b) = (t[k], t[(k + 1) % 3]);
                let entry = uses.entry((a.min(b), a.max(b))).or_insert((0, 0));
                entry.0 += 1;
                entry.1 += if a < b { 1 } else { -1 };
            }
        }
        uses
    }

    fn assert_closed_oriented_manifold(triangles: &[[u32; 3]]) {
        for (edge, (count, balance)) in edge_uses(triangles) {
            assert_eq!(count, 2, "edge {edge:?} is used by {count} triangles");
            assert_eq!(
                balance, 0,
                "edge {edge:?} is used twice in the same direction"
            );
        }
    }

    fn euler_characteristic(n_vertices: usize, triangles: &[[u32; 3]]) -> i64 {
        let n_edges = edge_uses(triangles).len() as i64;
        n_vertices as i64 - n_edges + triangles.len() as i64
    }

    fn assert_welded(positions: &[Vec3]) {
        let unique: HashSet<[u32; 3]> = positions
            .iter()
            .map(|p| p.to_array().map(f32::to_bits))
            .collect();
        assert_eq!(
            unique.len(),
            positions.len(),
            "two vertices share a position"
        );
    }

    fn assert_no_degenerate(positions: &[Vec3], triangles: &[[u32; 3]]) {
        for t in triangles {
            let [a, b, c] = t.map(|i| positions[i as usize]);
            assert!(
                (b - a).cross(c - a).length() > 0.0,
                "zero-area triangle {t:?}"
            );
        }
    }

    /// A small deterministic generator, so tests need no extra crates.
    struct Lcg(u64);
    impl Lcg {
        fn next_f32(&mut self) -> f32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 40) as f32 / (1u64 << 24) as f32
        }
    }

    /// Random values inside, zero on the border, so every surface is closed.
    fn random_volume(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = Lcg(seed);
        let mut data = vec![0.0; n * n * n];
        for z in 1..n - 1 {
            for y in 1..n - 1 {
                for x in 1..n - 1 {
                    data[x + n * (y + n * z)] = rng.next_f32();
                }
            }
        }
        data
    }

    #[test]
    fn every_case_uses_exactly_its_crossing_edges() {
        for (case, cube) in CASES.iter().enumerate() {
            let mut crossing = 0u16;
            for a in 0..8u8 {
                for axis in [1u8, 2, 4] {
                    let b = a | axis;
                    if b != a && is_inside(case, a) != is_inside(case, b) {
                        crossing |= 1 << edge_between(a, b);
                    }
                }
            }
            let mut used = 0u16;
            for t in &cube.triangles[..cube.n_triangles as usize] {
                for &e in t {
                    used |= 1 << e;
                }
            }
            assert_eq!(used, crossing, "case {case}");
        }
        assert_eq!(CASES[0].n_triangles, 0);
        assert_eq!(CASES[255].n_triangles, 0);
    }

    #[test]
    fn faces_are_counter_clockwise_from_outside() {
        let corner =
            |c: u8| Vec3::new((c & 1) as f32, ((c >> 1) & 1) as f32, ((c >> 2) & 1) as f32);
        for face in FACES {
            let [a, b, c, _] = face.map(corner);
            let center = face.map(corner).iter().sum::<Vec3>() / 4.0;
            let outward = center - Vec3::splat(0.5);
            assert!((b - a).cross(c - b).dot(outward) > 0.0, "face {face:?}");
        }
    }

    #[test]
    fn single_voxel_gives_a_closed_octahedron() {
        let mut data = vec![0.0; 27];
        data[13] = 1.0;
        let (positions, triangles) = marching_cubes(&data, [3, 3, 3], 0.5);
        assert_eq!(positions.len(), 6);
        assert_eq!(triangles.len(), 8);
        assert_closed_oriented_manifold(&triangles);
        assert_eq!(euler_characteristic(positions.len(), &triangles), 2);
        for p in &positions {
            assert!((p.distance(Vec3::ONE) - 0.5).abs() < 1e-6, "{p}");
        }
        assert!(enclosed_volume(&positions, &triangles) > 0.0);
    }

    #[test]
    fn sphere_is_accurate_closed_and_outward() {
        let (n, center, radius) = (40, Vec3::new(19.3, 20.1, 19.7), 13.0);
        let data = sphere_volume(n, center, radius);
        let (positions, triangles) = marching_cubes(&data, [n; 3], 0.0);
        for p in &positions {
            assert!((p.distance(center) - radius).abs() < 0.02, "{p}");
        }
        assert_closed_oriented_manifold(&triangles);
        assert_eq!(euler_characteristic(positions.len(), &triangles), 2);
        let exact = 4.0 / 3.0 * std::f64::consts::PI * f64::from(radius).powi(3);
        let volume = enclosed_volume(&positions, &triangles);
        assert!((volume / exact - 1.0).abs() < 0.01, "{volume} vs {exact}");
        assert_welded(&positions);
        assert_no_degenerate(&positions, &triangles);
    }

    #[test]
    fn random_volumes_are_welded_closed_manifolds() {
        for seed in 0..8 {
            let n = 12;
            let data = random_volume(n, seed);
            let (positions, triangles) = marching_cubes(&data, [n; 3], 0.5);
            assert!(!triangles.is_empty());
            assert!(
                triangles
                    .iter()
                    .flatten()
                    .all(|&i| (i as usize) < positions.len())
            );
            let used: HashSet<u32> = triangles.iter().flatten().copied().collect();
            assert_eq!(used.len(), positions.len(), "unused vertices");
            assert_welded(&positions);
            assert_closed_oriented_manifold(&triangles);
            assert_no_degenerate(&positions, &triangles);
            assert!(enclosed_volume(&positions, &triangles) > 0.0);
        }
    }

    #[test]
    fn values_equal_to_the_level_give_no_coincident_vertices() {
        // Integer data with an integer level: many crossings land exactly on grid points.
        let n = 10;
        let mut rng = Lcg(7);
        let mut data = vec![0.0; n * n * n];
        for z in 1..n - 1 {
            for y in 1..n - 1 {
                for x in 1..n - 1 {
                    data[x + n * (y + n * z)] = (rng.next_f32() * 3.0).floor();
                }
            }
        }
        let (positions, triangles) = marching_cubes(&data, [n; 3], 1.0);
        assert_welded(&positions);
        assert_no_degenerate(&positions, &triangles);
        assert_closed_oriented_manifold(&triangles);
    }

    #[test]
    fn nan_is_below_the_level() {
        let mut data = vec![f32::NAN; 27];
        data[13] = 1.0;
        let (positions, triangles) = marching_cubes(&data, [3, 3, 3], 0.5);
        assert_eq!((positions.len(), triangles.len()), (6, 8));
        assert!(positions.iter().all(|p| p.is_finite()));
        assert!(enclosed_volume(&positions, &triangles) > 0.0);
    }

    #[test]
    fn non_cubic_grid_and_surface_touching_the_border() {
        let dims = [7, 5, 4];
        let mut rng = Lcg(3);
        let data: Vec<f32> = (0..dims.iter().product()).map(|_| rng.next_f32()).collect();
        let (positions, triangles) = marching_cubes(&data, dims, 0.5);
        assert!(
            triangles
                .iter()
                .flatten()
                .all(|&i| (i as usize) < positions.len())
        );
        assert_welded(&positions);
        // Open where the surface meets the border, but never more than two triangles per edge.
        assert!(edge_uses(&triangles).values().all(|&(count, _)| count <= 2));
    }

    #[test]
    fn thread_count_does_not_change_the_result() {
        let data = sphere_volume(24, Vec3::splat(11.5), 8.3);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool")
                .install(|| marching_cubes(&data, [24; 3], 0.0))
        };
        let single = run(1);
        let multi = run(4);
        assert_eq!(single.1, multi.1);
        assert_eq!(single.0, multi.0);
    }

    #[test]
    fn degenerate_dims_give_an_empty_mesh() {
        let (p, t) = marching_cubes(&[1.0, 0.0, 1.0], [3, 1, 1], 0.5);
        assert!(p.is_empty() && t.is_empty());
        let (p, t) = marching_cubes(&[], [0, 0, 0], 0.5);
        assert!(p.is_empty() && t.is_empty());
    }

    #[test]
    fn progress_reaches_one() {
        let data = sphere_volume(10, Vec3::splat(4.5), 3.0);
        let last = std::sync::Mutex::new(0.0f32);
        marching_cubes_with_progress(&data, [10; 3], 0.0, &|f| {
            let mut last = last.lock().expect("lock");
            *last = last.max(f);
        });
        assert!((*last.lock().expect("lock") - 1.0).abs() < 1e-6);
    }

    fn sphere_in_volume(world_from_voxel: DMat4) -> Volume {
        Volume::from_f32(
            "sphere",
            [20; 3],
            sphere_volume(20, Vec3::splat(9.5), 6.0),
            world_from_voxel,
        )
    }

    #[test]
    fn isosurface_keeps_normals_outward_under_a_mirroring_affine() {
        for world_from_voxel in [
            DMat4::from_scale(DVec3::new(2.0, 2.0, 2.0)),
            DMat4::from_scale(DVec3::new(-2.0, 2.0, 2.0)),
        ] {
            let volume = sphere_in_volume(world_from_voxel);
            let surface = isosurface(
                &volume,
                &IsosurfaceOptions {
                    level: 0.0,
                    ..Default::default()
                },
            );
            let exact = 4.0 / 3.0 * std::f64::consts::PI * 12.0f64.powi(3);
            let volume = enclosed_volume(&surface.positions, &surface.triangles);
            assert!((volume / exact - 1.0).abs() < 0.03, "{volume} vs {exact}");
        }
    }

    #[test]
    fn isosurface_smooths_and_decimates() {
        let volume = sphere_in_volume(DMat4::IDENTITY);
        let surface = isosurface(
            &volume,
            &IsosurfaceOptions {
                level: 0.0,
                smoothing_iterations: 5,
                target_triangles: Some(200),
            },
        );
        assert!(
            surface.n_faces() <= 200 && surface.n_faces() > 100,
            "{}",
            surface.n_faces()
        );
        assert!(surface.validate().is_ok());
        assert!(enclosed_volume(&surface.positions, &surface.triangles) > 0.0);
    }
}
