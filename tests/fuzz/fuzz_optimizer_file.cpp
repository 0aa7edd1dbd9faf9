// Fuzz target: optimizer files (.opt), through the parser and the compiler into a descriptor, then
// two steps in f32 and f64 on the SIMD and the scalar path. Bad input must end in cgp::Error,
// nothing else.
#include <cgp/io/error.hpp>
#include <cgp/optfile/descriptor.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

template <class T, class Step>
void steps(const cgp_optimizer_descriptor& d, const std::vector<double>& hp, Step step)
{
    constexpr std::size_t n = 37; // a SIMD body and a scalar tail on every path
    std::vector<T> p(n, T(0.5)), g(n, T(-0.25));
    const std::uint32_t states = d.state_count(hp.data());
    std::vector<std::vector<T>> s(states, std::vector<T>(n, T(0)));
    std::vector<T*> ptrs;
    for (auto& a : s)
        ptrs.push_back(a.data());
    for (const std::uint32_t flags : {0u, static_cast<std::uint32_t>(CGP_STEP_SCALAR)})
        for (std::uint64_t t = 1; t <= 2; ++t) {
            cgp_step_args args{};
            args.struct_size = sizeof args;
            args.flags = flags;
            args.step = t;
            args.count = n;
            args.hparams = hp.data();
            char msg[64];
            step(&args, p.data(), g.data(), ptrs.data(), msg, sizeof msg);
        }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto d = cgp::optfile::descriptor_from_text("fuzz.opt", text);
        std::vector<double> hp;
        for (std::uint32_t i = 0; i < d->hparam_count; ++i)
            hp.push_back(d->hparams[i].default_value);
        steps<float>(*d, hp, d->step_f32);
        steps<double>(*d, hp, d->step_f64);
    } catch (const cgp::Error&) {
    }
    return 0;
}
