//! Time distributions made ready to draw: the model's [`Sampler`], whose draws are bit
//! for bit those of [`corridor_model::dist::Distribution::sample`].

pub(crate) use corridor_model::dist::Sampler;
