// adabelief_test PLUGIN: steps the built adabelief.so through the plugin ABI (its SIMD path and its
// scalar form, in f64) and compares every step with a hand-written scalar AdaBelief in double (the
// paper's Algorithm 2, read term by term), and, for a constant gradient, m and s with their closed
// forms:  m_t = (1 - b1^t) g,  g - m_t = b1^t g,
//         s_t = (1 - b2) b1^2 g^2 (b2^t - b1^(2t)) / (b2 - b1^2) + eps (1 - b2^t) / (1 - b2).
#include <cgp/sdk/abi.h>

#include <dlfcn.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace {

constexpr std::size_t kCount = 37;   // not a multiple of any SIMD width
constexpr std::size_t kRounded = 40; // kCount rounded up to CGP_ALIGNMENT bytes
using Array = std::array<double, kRounded>;

struct Hyper {
    double lr, beta1, beta2, eps;
};

int failures = 0;

void expect_close(double got, double want, double tolerance, const char* what, std::uint64_t t, std::size_t i)
{
    if (std::abs(got - want) <= tolerance * std::abs(want))
        return;
    if (++failures <= 10)
        std::printf("FAILED: %s at step %llu, element %zu: %.17g, expected %.17g\n", what,
                    static_cast<unsigned long long>(t), i, got, want);
}

// One step of the reference, element by element, as the paper writes it.
void reference_step(const Hyper& h, std::uint64_t t, double& p, double g, double& m, double& s)
{
    m = h.beta1 * m + (1.0 - h.beta1) * g;
    s = h.beta2 * s + (1.0 - h.beta2) * (g - m) * (g - m) + h.eps;
    const double m_hat = m / (1.0 - std::pow(h.beta1, static_cast<double>(t)));
    const double s_hat = s / (1.0 - std::pow(h.beta2, static_cast<double>(t)));
    p -= h.lr * m_hat / (std::sqrt(s_hat) + h.eps);
}

double gradient(std::uint64_t t, std::size_t i)
{
    return std::sin(0.7 * static_cast<double>(t) + 1.9 * static_cast<double>(i)) * (0.1 + static_cast<double>(i % 5));
}

// 1000 steps of changing gradients, each step compared with the reference's step.
void follows_the_reference(const cgp_optimizer_descriptor& d, const Hyper& h, std::uint32_t flags)
{
    alignas(CGP_ALIGNMENT) Array p{}, g{}, m{}, s{};
    std::array<double, kCount> rp{}, rm{}, rs{};
    for (std::size_t i = 0; i < kCount; ++i)
        p[i] = rp[i] = 0.3 * static_cast<double>(i % 7) - 1.0;
    const double hp[] = {h.lr, h.beta1, h.beta2, h.eps};
    double* state[] = {m.data(), s.data()};
    char msg[256] = "";
    for (std::uint64_t t = 1; t <= 1000; ++t) {
        for (std::size_t i = 0; i < kCount; ++i)
            g[i] = gradient(t, i);
        const cgp_step_args args{sizeof(cgp_step_args), flags, t, kCount, hp, nullptr, nullptr};
        if (d.step_f64(&args, p.data(), g.data(), state, msg, sizeof msg) != CGP_OK) {
            std::printf("FAILED: step %llu: %s\n", static_cast<unsigned long long>(t), msg);
            ++failures;
            return;
        }
        for (std::size_t i = 0; i < kCount; ++i) {
            reference_step(h, t, rp[i], g[i], rm[i], rs[i]);
            expect_close(p[i], rp[i], 1e-12, "p against the reference", t, i);
            expect_close(m[i], rm[i], 1e-12, "m against the reference", t, i);
            expect_close(s[i], rs[i], 1e-12, "s against the reference", t, i);
        }
    }
}

// 200 steps of one gradient per element: m and s against their closed forms.
void matches_the_closed_form(const cgp_optimizer_descriptor& d, const Hyper& h, std::uint32_t flags)
{
    alignas(CGP_ALIGNMENT) Array p{}, g{}, m{}, s{};
    for (std::size_t i = 0; i < kCount; ++i)
        g[i] = 0.25 * static_cast<double>(i) - 4.0;
    const double hp[] = {h.lr, h.beta1, h.beta2, h.eps};
    double* state[] = {m.data(), s.data()};
    char msg[256] = "";
    const double b1 = h.beta1, b2 = h.beta2;
    for (std::uint64_t t = 1; t <= 200; ++t) {
        const cgp_step_args args{sizeof(cgp_step_args), flags, t, kCount, hp, nullptr, nullptr};
        d.step_f64(&args, p.data(), g.data(), state, msg, sizeof msg);
        const double n = static_cast<double>(t);
        for (std::size_t i = 0; i < kCount; ++i) {
            const double m_t = (1.0 - std::pow(b1, n)) * g[i];
            const double s_t =
                (1.0 - b2) * b1 * b1 * g[i] * g[i] * (std::pow(b2, n) - std::pow(b1, 2.0 * n)) / (b2 - b1 * b1) +
                h.eps * (1.0 - std::pow(b2, n)) / (1.0 - b2);
            expect_close(m[i], m_t, 1e-12, "m against its closed form", t, i);
            expect_close(s[i], s_t, 1e-10, "s against its closed form", t, i);
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::printf("usage: adabelief_test PLUGIN.so\n");
        return 2;
    }
    void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    const auto* entry =
        library ? static_cast<const cgp_plugin_entry_t*>(dlsym(library, CGP_PLUGIN_ENTRY_SYMBOL)) : nullptr;
    if (entry == nullptr) {
        std::printf("FAILED: cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    const cgp_optimizer_descriptor& d = *entry->get_descriptor();
    const Hyper defaults{1e-3, 0.9, 0.999, 1e-16}, other{0.05, 0.8, 0.99, 1e-6};
    for (const std::uint32_t flags : {0u, static_cast<std::uint32_t>(CGP_STEP_SCALAR)}) {
        for (const Hyper& h : {defaults, other}) {
            follows_the_reference(d, h, flags);
            matches_the_closed_form(d, h, flags);
        }
    }
    if (failures == 0)
        std::printf("adabelief: 1000 steps against the f64 reference and 200 against the closed form, SIMD path and "
                    "scalar form, at two hyperparameter sets: all within tolerance\n");
    return failures == 0 ? 0 : 1;
}
