// isa_scalar.cpp: optimizer-file kernels for the scalar path (compiled with -fno-tree-vectorize: the reference the others equal).
#include "kernels_impl.hpp"

namespace cgp::optfile::kernels {

const PathKernels<float>* scalar_f32() noexcept
{
    static constexpr PathKernels<float> path = make_path<float, Scalar<float>>("scalar");
    return &path;
}

const PathKernels<double>* scalar_f64() noexcept
{
    static constexpr PathKernels<double> path = make_path<double, Scalar<double>>("scalar");
    return &path;
}

} // namespace cgp::optfile::kernels
