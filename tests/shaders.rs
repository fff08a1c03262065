//! Every WGSL shader parses and validates with naga, without a GPU.

#[test]
fn every_shader_validates_with_naga() {
    assert!(!glia::render::SHADERS.is_empty());
    for (name, source) in glia::render::SHADERS {
        let module = naga::front::wgsl::parse_str(source)
            .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(source)));
        let mut validator = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::default(),
        );
        validator
            .validate(&module)
            .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(source)));
    }
}

#[test]
fn every_shader_file_is_listed() {
    let listed: Vec<&str> = glia::render::SHADERS.iter().map(|(n, _)| *n).collect();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".wgsl") {
            assert!(
                listed.contains(&name.as_str()),
                "{name} is not in render::SHADERS"
            );
        }
    }
}
