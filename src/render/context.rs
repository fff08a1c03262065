//! The GPU device for headless work (`glia render`, `glia snapshot`, tests). The window gets its
//! device from eframe instead; both paths ask for the same limits ([`required_limits`]).

/// Why drawing could not happen.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no GPU adapter found (install Mesa's lavapipe: apt install mesa-vulkan-drivers)")]
    NoAdapter,
    #[error("could not open the GPU device: {0}")]
    Device(String),
    #[error("reading the image back from the GPU failed: {0}")]
    Readback(String),
    #[error("a {0}x{1} image is more than this GPU can draw ({2})")]
    BadSize(u32, u32, String),
}

/// An adapter, device and queue.
#[derive(Clone)]
pub struct GpuContext {
    pub instance: wgpu::Instance,
    pub adapter: wgpu::Adapter,
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
}

/// What Glia needs of a device: the adapter's own limits where they are better than WebGL2's,
/// with room for 8K figures.
pub fn required_limits(adapter: &wgpu::Adapter) -> wgpu::Limits {
    let base = if adapter.get_info().backend == wgpu::Backend::Gl {
        wgpu::Limits::downlevel_webgl2_defaults()
    } else {
        wgpu::Limits::default()
    };
    let supported = adapter.limits();
    wgpu::Limits {
        max_texture_dimension_2d: supported.max_texture_dimension_2d.clamp(2048, 16384),
        // Large figures read back through one buffer; large meshes live in one.
        max_buffer_size: supported.max_buffer_size.max(base.max_buffer_size),
        ..base
    }
}

/// Checks that a figure of `size` pixels fits this device: its side within the texture limit
/// and its readback within one buffer.
/// Optional features Glia uses when the adapter has them: filtering of 32-bit float textures
/// (one fetch per trilinear volume sample instead of eight).
pub fn optional_features(adapter: &wgpu::Adapter) -> wgpu::Features {
    adapter.features() & wgpu::Features::FLOAT32_FILTERABLE
}

pub fn check_image_size(device: &wgpu::Device, size: [u32; 2]) -> Result<(), RenderError> {
    let limits = device.limits();
    let max_side = limits.max_texture_dimension_2d;
    if size[0] > max_side || size[1] > max_side {
        return Err(RenderError::BadSize(
            size[0],
            size[1],
            format!("at most {max_side} pixels per side"),
        ));
    }
    let row = u64::from(size[0] * 4).div_ceil(256) * 256;
    if row * u64::from(size[1]) > limits.max_buffer_size {
        let mb = limits.max_buffer_size >> 20;
        return Err(RenderError::BadSize(
            size[0],
            size[1],
            format!("at most {mb} MiB per image"),
        ));
    }
    Ok(())
}

impl GpuContext {
    /// Opens a device without any window. Prefers a real GPU; falls back to any adapter
    /// (lavapipe or llvmpipe on a machine without one). `WGPU_BACKEND=gl|vulkan` picks a backend.
    pub fn headless() -> Result<Self, RenderError> {
        pollster::block_on(Self::headless_async())
    }

    async fn headless_async() -> Result<Self, RenderError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let mut adapters = instance.enumerate_adapters(wgpu::Backends::all()).await;
        adapters.sort_by_key(|a| adapter_rank(&a.get_info()));
        let adapter = adapters.into_iter().next().ok_or(RenderError::NoAdapter)?;
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("glia headless device"),
                required_limits: required_limits(&adapter),
                required_features: optional_features(&adapter),
                ..Default::default()
            })
            .await
            .map_err(|e| RenderError::Device(e.to_string()))?;
        if !cfg!(debug_assertions) {
            // A validation or memory error in a release build is reported, not a crash (debug
            // builds keep wgpu's panic, which tests rely on to catch such bugs).
            device.on_uncaptured_error(std::sync::Arc::new(|e| log::error!("GPU error: {e}")));
        }
        Ok(GpuContext {
            instance,
            adapter,
            device,
            queue,
        })
    }

    pub fn adapter_description(&self) -> String {
        let info = self.adapter.get_info();
        format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type)
    }
}

/// Lower is better: discrete, integrated, then software; Vulkan/Metal/DX12 before GL.
pub fn adapter_rank(info: &wgpu::AdapterInfo) -> (u8, u8) {
    let device = match info.device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu | wgpu::DeviceType::Other => 2,
        wgpu::DeviceType::Cpu => 3,
    };
    let backend = match info.backend {
        wgpu::Backend::Vulkan | wgpu::Backend::Metal | wgpu::Backend::Dx12 => 0,
        wgpu::Backend::Gl => 1,
        _ => 2,
    };
    (device, backend)
}
