//! The colormaps Glia offers, each exactly matplotlib's 256-entry table.
//!
//! The renderer uploads these tables as one texture row each (`render::colormap`); the UI draws
//! colorbars from the same tables, so a colorbar always matches the surface.

#[path = "colormap_tables.rs"]
mod tables;

/// A named colormap. Serialized with matplotlib's names (`"viridis"`, `"RdBu_r"` …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Colormap {
    #[serde(rename = "viridis")]
    Viridis,
    #[serde(rename = "inferno")]
    Inferno,
    #[serde(rename = "magma")]
    Magma,
    #[serde(rename = "plasma")]
    Plasma,
    #[serde(rename = "cividis")]
    Cividis,
    #[serde(rename = "turbo")]
    Turbo,
    #[serde(rename = "hot")]
    Hot,
    #[serde(rename = "coolwarm")]
    Coolwarm,
    #[serde(rename = "RdBu_r")]
    RdBuR,
    #[serde(rename = "gray")]
    Gray,
}

impl Colormap {
    pub const ALL: [Colormap; 10] = [
        Colormap::Viridis,
        Colormap::Inferno,
        Colormap::Magma,
        Colormap::Plasma,
        Colormap::Cividis,
        Colormap::Turbo,
        Colormap::Hot,
        Colormap::Coolwarm,
        Colormap::RdBuR,
        Colormap::Gray,
    ];

    /// matplotlib's name.
    pub fn name(self) -> &'static str {
        match self {
            Colormap::Viridis => "viridis",
            Colormap::Inferno => "inferno",
            Colormap::Magma => "magma",
            Colormap::Plasma => "plasma",
            Colormap::Cividis => "cividis",
            Colormap::Turbo => "turbo",
            Colormap::Hot => "hot",
            Colormap::Coolwarm => "coolwarm",
            Colormap::RdBuR => "RdBu_r",
            Colormap::Gray => "gray",
        }
    }

    /// Row of this map in the renderer's colormap texture.
    pub fn index(self) -> u32 {
        Self::ALL.iter().position(|&c| c == self).unwrap_or(0) as u32
    }

    /// The 256 RGB entries.
    pub fn table(self) -> &'static [[u8; 3]; 256] {
        match self {
            Colormap::Viridis => &tables::VIRIDIS,
            Colormap::Inferno => &tables::INFERNO,
            Colormap::Magma => &tables::MAGMA,
            Colormap::Plasma => &tables::PLASMA,
            Colormap::Cividis => &tables::CIVIDIS,
            Colormap::Turbo => &tables::TURBO,
            Colormap::Hot => &tables::HOT,
            Colormap::Coolwarm => &tables::COOLWARM,
            Colormap::RdBuR => &tables::RDBU_R,
            Colormap::Gray => &tables::GRAY,
        }
    }

    /// Colour at `t` in 0..=1 (clamped), picked as matplotlib picks it: entry `floor(t * 256)`,
    /// with `t = 1` giving the last entry.
    pub fn sample(self, t: f32) -> [u8; 3] {
        let i = (t.clamp(0.0, 1.0) * 256.0) as usize;
        self.table()[i.min(255)]
    }
}

impl std::str::FromStr for Colormap {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|c| c.name()).collect();
                format!(
                    "unknown colormap {s:?} (choose one of {})",
                    names.join(", ")
                )
            })
    }
}

impl std::fmt::Display for Colormap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_match_matplotlib() {
        // matplotlib 3.11: viridis(0) = (0.267, 0.005, 0.329), viridis(1) = (0.993, 0.906, 0.144)
        assert_eq!(Colormap::Viridis.sample(0.0), [68, 1, 84]);
        assert_eq!(Colormap::Viridis.sample(1.0), [253, 231, 37]);
        assert_eq!(Colormap::Gray.sample(0.5), [128, 128, 128]);
        assert_eq!("rdbu_r".parse::<Colormap>(), Ok(Colormap::RdBuR));
    }
}
