//! Connected clusters of voxels: which supra-threshold voxels belong to clusters of at least a
//! given size, with face, edge and corner neighbours connected (26-connectivity, as FSL's
//! `cluster` counts them; SPM uses 18).

/// For each voxel of a `dims` grid where `keep(i)` holds, whether it lies in a 26-connected
/// cluster of at least `min_voxels` such voxels: 1 if so, 0 otherwise (also 0 where `keep` is
/// false).
pub fn cluster_mask(dims: [usize; 3], min_voxels: usize, keep: impl Fn(usize) -> bool) -> Vec<u8> {
    let [nx, ny, nz] = dims;
    let n = nx * ny * nz;
    // 0: below threshold, 1: above threshold not yet visited, 2: visited.
    let mut state: Vec<u8> = (0..n).map(|i| u8::from(keep(i))).collect();
    let mut mask = vec![0u8; n];
    let mut stack = Vec::new();
    let mut members = Vec::new();
    for start in 0..n {
        if state[start] != 1 {
            continue;
        }
        state[start] = 2;
        stack.push(start);
        members.clear();
        while let Some(i) = stack.pop() {
            members.push(i);
            let (x, y, z) = (i % nx, (i / nx) % ny, i / (nx * ny));
            for dz in -1i64..=1 {
                for dy in -1i64..=1 {
                    for dx in -1i64..=1 {
                        let (xx, yy, zz) = (x as i64 + dx, y as i64 + dy, z as i64 + dz);
                        if xx < 0
                            || yy < 0
                            || zz < 0
                            || xx >= nx as i64
                            || yy >= ny as i64
                            || zz >= nz as i64
                        {
                            continue;
                        }
                        let j = xx as usize + nx * (yy as usize + ny * zz as usize);
                        if state[j] == 1 {
                            state[j] = 2;
                            stack.push(j);
                        }
                    }
                }
            }
        }
        if members.len() >= min_voxels {
            for &i in &members {
                mask[i] = 1;
            }
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_clusters_go_and_diagonal_neighbours_connect() {
        let dims = [5, 5, 1];
        // A diagonal chain of 3 voxels (connected through corners) and a lone voxel.
        let on = [0usize, 6, 12, 4];
        let mask = cluster_mask(dims, 2, |i| on.contains(&i));
        assert_eq!(mask[0], 1);
        assert_eq!(mask[6], 1);
        assert_eq!(mask[12], 1);
        assert_eq!(mask[4], 0, "a single voxel is a cluster of one");
        assert_eq!(mask.iter().map(|&m| m as usize).sum::<usize>(), 3);
        assert!(
            cluster_mask(dims, 4, |i| on.contains(&i))
                .iter()
                .all(|&m| m == 0)
        );
    }
}
