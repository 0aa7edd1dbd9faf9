// adafactor.so: Adafactor (Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear
// Memory Cost") as Hugging Face transformers' Adafactor (transformers.optimization.Adafactor, the
// fairseq form): second moments factored over the rows and columns of a matrix, update clipping,
// relative step sizes and an optional first moment.
//
// Per tensor (cgp.tensors/1), t = 1, 2, ...:
//   rho = min(1e-6 * t if warmup_init else 1e-2, 1/sqrt(t)) if relative_step, else lr
//   lr_t = max(eps2, RMS(p)) * rho if scale_parameter, else rho       RMS(x) = ||x|| / sqrt(count)
//   beta2_t = 1 - t^decay_rate;  q = g^2 + eps1
//   rank >= 2, shape [..., R, C] with R, C >= 2 (factored; "..." are independent matrices):
//     vr <- beta2_t * vr + (1 - beta2_t) * mean over columns of q       (one per row)
//     vc <- beta2_t * vc + (1 - beta2_t) * mean over rows of q          (one per column)
//     u = g / sqrt(vr / mean(vr)) / sqrt(vc)
//   otherwise (unfactored):  v <- beta2_t * v + (1 - beta2_t) * q;  u = g / sqrt(v)
//   u <- u / max(1, RMS(u) / clip_threshold) * lr_t
//   beta1 > 0:  m <- beta1 * m + (1 - beta1) * u;  u = m
//   p <- p - weight_decay * lr_t * p;  p <- p - u
// A matrix with one row or one column is kept unfactored: transformers' factored estimate of it is
// then g / sqrt(v) in exact arithmetic (the row or column mean of v cancels), and the factored
// vectors (R + C values) would not fit in its R * C elements.
//
// State layout (every state array has the tensor's count elements): "v" holds, for a factored tensor
// of B = prod(...) matrices, the row moments of matrix b at [b*R, b*R + R) and its column moments at
// [B*R + b*C, B*R + b*C + C) (B*(R + C) <= B*R*C since R, C >= 2); the elements after them stay 0.
// For an unfactored tensor v is per element. "m" (only with beta1 > 0) is per element. All of it lives
// in the host's arrays, so a checkpoint saves it and resumes exactly.
// Hyperparameters: lr 1e-2 (used only with relative_step 0), eps1 1e-30, eps2 1e-3, clip_threshold 1,
// decay_rate -0.8, beta1 0 (0: no first moment, transformers' None), weight_decay 0, scale_parameter 1,
// relative_step 0, warmup_init 0. These are transformers' defaults except relative_step, which
// transformers sets to True (refusing an explicit lr with it): cgp's default steps by lr, so that --lr
// and the learning-rate searches of cgp-sweep and cgp-conformance steer the run.
#include <cgp/sdk/tensor_optimizer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

struct Adafactor {
    static constexpr cgp::sdk::info info{"adafactor", "Adafactor", "1.0.0",
                                         "factored second moments over rows and columns, clipped relative steps "
                                         "(transformers' Adafactor)",
                                         "adafactor"};
    enum {
        lr,
        eps1,
        eps2,
        clip_threshold,
        decay_rate,
        beta1,
        weight_decay,
        scale_parameter,
        relative_step,
        warmup_init,
        hparam_count
    };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate, used when relative_step = 0", 1e-2, 0.0, 1e3, 0},
        {"eps1", "term added to the squared gradient", 1e-30, 1e-30, 1.0, 0},
        {"eps2", "least parameter scale: lr_t = max(eps2, RMS(p)) * rho", 1e-3, 0.0, 1.0, 0},
        {"clip_threshold", "largest RMS of the normalized update", 1.0, 1e-6, 1e6, 0},
        {"decay_rate", "second-moment decay beta2_t = 1 - t^decay_rate", -0.8, -10.0, 0.0, 0},
        {"beta1", "decay of the first moment; 0: no first moment", 0.0, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"weight_decay", "decoupled decay: p -= weight_decay * lr_t * p", 0.0, 0.0, 1e3, 0},
        {"scale_parameter", "1: scale the step by max(eps2, RMS(p))", 1.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
        {"relative_step", "1: step size min(1e-2, 1/sqrt(t)) instead of lr", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
        {"warmup_init", "1: with relative_step, min(1e-6 * t, 1/sqrt(t))", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 2;
    static std::uint32_t state_count(const double* hp) { return hp[beta1] > 0.0 ? 2 : 1; }

    // The matrices of a tensor, when it is factored: B of R x C; rows == 0 when unfactored.
    struct factoring {
        std::size_t batch = 1, rows = 0, cols = 0;
    };
    static factoring factor(const cgp_tensor& t)
    {
        factoring f;
        if (t.rank < 2 || t.shape[t.rank - 2] < 2 || t.shape[t.rank - 1] < 2)
            return f;
        for (std::uint32_t d = 0; d + 2 < t.rank; ++d)
            f.batch *= t.shape[d];
        f.rows = t.shape[t.rank - 2];
        f.cols = t.shape[t.rank - 1];
        return f;
    }

    // The mean of matrix b's row moments, in double.
    template <class T>
    static double row_mean(const T* v, const factoring& f, std::size_t b)
    {
        double sum = 0.0;
        for (std::size_t r = 0; r < f.rows; ++r)
            sum += v[b * f.rows + r];
        return sum / static_cast<double>(f.rows);
    }

    // Calls visit(i, u) with the normalized update u (before clipping) of every element i, from the
    // updated moments.
    template <class T, class Visit>
    static void normalized(const cgp::sdk::tensor_step<T>& s, const factoring& f, Visit&& visit)
    {
        const T* v = s.s[0];
        if (f.rows == 0) {
            for (std::size_t i = 0; i < s.n; ++i)
                visit(i, s.g[i] / std::sqrt(v[i]));
            return;
        }
        const std::size_t per = f.rows * f.cols;
        for (std::size_t b = 0; b < f.batch; ++b) {
            const T mean = static_cast<T>(row_mean(v, f, b));
            const T* vr = v + b * f.rows;
            const T* vc = v + f.batch * f.rows + b * f.cols;
            for (std::size_t r = 0; r < f.rows; ++r)
                for (std::size_t c = 0; c < f.cols; ++c) {
                    const std::size_t i = b * per + r * f.cols + c;
                    visit(i, s.g[i] / std::sqrt(vr[r] / mean) / std::sqrt(vc[c]));
                }
        }
    }

    template <class T>
    static void step(const cgp::sdk::tensor_step<T>& s)
    {
        const double* hp = s.hp;
        const double t = static_cast<double>(s.t), n = static_cast<double>(s.n);
        double p_sq = 0.0;
        for (std::size_t i = 0; i < s.n; ++i)
            p_sq += static_cast<double>(s.p[i]) * static_cast<double>(s.p[i]);
        double rho = hp[lr];
        if (hp[relative_step] != 0.0)
            rho = std::min(hp[warmup_init] != 0.0 ? 1e-6 * t : 1e-2, 1.0 / std::sqrt(t));
        const double rms_p = std::sqrt(p_sq) / std::sqrt(n);
        const double lr_t = hp[scale_parameter] != 0.0 ? std::max(hp[eps2], rms_p) * rho : rho;
        const double beta2t = 1.0 - std::pow(t, hp[decay_rate]);
        const T b2 = static_cast<T>(beta2t), keep = static_cast<T>(1.0 - beta2t), e1 = static_cast<T>(hp[eps1]);
        T* v = s.s[0];
        const factoring f = factor(s.tensor);
        if (f.rows == 0) {
            for (std::size_t i = 0; i < s.n; ++i)
                v[i] = b2 * v[i] + keep * (s.g[i] * s.g[i] + e1);
        }
        const std::size_t per = f.rows * f.cols;
        for (std::size_t b = 0; f.rows != 0 && b < f.batch; ++b) {
            const T* g = s.g + b * per;
            T* vr = v + b * f.rows;
            T* vc = v + f.batch * f.rows + b * f.cols;
            for (std::size_t r = 0; r < f.rows; ++r) {
                double q = 0.0;
                for (std::size_t c = 0; c < f.cols; ++c)
                    q += g[r * f.cols + c] * g[r * f.cols + c] + e1;
                vr[r] = b2 * vr[r] + keep * static_cast<T>(q / static_cast<double>(f.cols));
            }
            for (std::size_t c = 0; c < f.cols; ++c) {
                double q = 0.0;
                for (std::size_t r = 0; r < f.rows; ++r)
                    q += g[r * f.cols + c] * g[r * f.cols + c] + e1;
                vc[c] = b2 * vc[c] + keep * static_cast<T>(q / static_cast<double>(f.rows));
            }
        }
        double u_sq = 0.0;
        normalized(s, f, [&](std::size_t, T u) { u_sq += static_cast<double>(u) * static_cast<double>(u); });
        const double clip = std::max(1.0, std::sqrt(u_sq) / std::sqrt(n) / hp[clip_threshold]);
        const T scale = static_cast<T>(lr_t / clip), decay = static_cast<T>(hp[weight_decay] * lr_t);
        const bool first_moment = hp[beta1] > 0.0;
        const T b1 = static_cast<T>(hp[beta1]), one_minus_b1 = static_cast<T>(1.0 - hp[beta1]);
        T* m = s.s[first_moment ? 1 : 0];
        normalized(s, f, [&](std::size_t i, T u) {
            u = u * scale;
            if (first_moment) {
                m[i] = b1 * m[i] + one_minus_b1 * u;
                u = m[i];
            }
            s.p[i] = (s.p[i] - decay * s.p[i]) - u;
        });
    }
};

CGP_REGISTER_TENSOR_OPTIMIZER(Adafactor)
