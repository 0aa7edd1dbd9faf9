// lars.so: LARS (You, Gitman & Ginsburg 2017, "Large Batch Training of Convolutional Networks") as
// optax.lars: weight decay added to the gradient, the sum scaled per tensor by the trust ratio, then
// heavy-ball (or Nesterov) momentum on the scaled step.
//
// Per tensor (cgp.tensors/1; b starts at 0):
//   u = g + weight_decay * p                                (optax.add_decayed_weights)
//   r = trust_coefficient * ||p|| / (||u|| + eps), or 1 when ||p|| or ||u|| is 0
//                                                           (optax.scale_by_trust_ratio)
//   b <- lr * r * u + momentum * b                          (optax.trace)
//   p <- p - b,  or with nesterov  p <- p - (lr * r * u + momentum * b)
// The norms are sums of squares in double over the tensor, p being the parameters the step starts
// from. Masks: a bias tensor (CGP_TENSOR_BIAS) is neither decayed nor scaled (u = g, r = 1), as the
// LARS paper trains and as optax.lars does when given the usual mask that leaves biases out; weights
// and scalars are decayed and scaled. (optax.lars's own default masks, True, adapt biases too; cgp has
// no switch for that, since a hyperparameter that acts on bias tensors only would change nothing in a
// run without tensors.) Without tensors from the host the whole array is one weight tensor.
// Hyperparameters: lr 0.1, weight_decay 0, trust_coefficient 1e-3, eps 0, momentum 0.9, nesterov 0
// (optax's defaults; optax has no default learning rate, and at a zero tensor, where r = 1, lr = 1
// with momentum 0.9 overshoots tenfold). State: b.
#include <cgp/sdk/tensor_optimizer.hpp>

#include <cmath>
#include <cstdint>

struct Lars {
    static constexpr cgp::sdk::info info{
        "lars", "LARS", "1.0.0", "momentum on g + wd*p scaled per tensor by tc*||p||/||u|| (optax.lars)", "lars"};
    enum { lr, weight_decay, trust_coefficient, eps, momentum, nesterov, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate: a step moves a tensor by lr * trust_coefficient * ||p|| before momentum", 0.1, 0.0, 1e3,
         0},
        {"weight_decay", "decay added to the gradient before the trust ratio: u = g + weight_decay * p", 0.0, 0.0, 1e3,
         0},
        {"trust_coefficient", "scale of the trust ratio ||p|| / ||u||", 1e-3, 0.0, 1e3, 0},
        {"eps", "term added to ||u|| in the trust ratio", 0.0, 0.0, 1.0, 0},
        {"momentum", "decay of the momentum buffer b", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"nesterov", "1: Nesterov momentum (step by lr*r*u + momentum*b)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 1;

    template <class T>
    static void step(const cgp::sdk::tensor_step<T>& s)
    {
        const double* hp = s.hp;
        const bool adapt = s.tensor.kind != CGP_TENSOR_BIAS;
        const T wd = adapt ? static_cast<T>(hp[weight_decay]) : T(0);
        double ratio = 1.0;
        if (adapt) {
            double p_norm = 0.0, u_norm = 0.0;
            for (std::size_t i = 0; i < s.n; ++i) {
                const double u = s.g[i] + wd * s.p[i];
                p_norm += static_cast<double>(s.p[i]) * static_cast<double>(s.p[i]);
                u_norm += u * u;
            }
            if (p_norm > 0.0 && u_norm > 0.0)
                ratio = hp[trust_coefficient] * std::sqrt(p_norm) / (std::sqrt(u_norm) + hp[eps]);
        }
        const T scale = static_cast<T>(hp[lr] * ratio), mu = static_cast<T>(hp[momentum]);
        const bool nest = hp[nesterov] != 0.0;
        T* b = s.s[0];
        for (std::size_t i = 0; i < s.n; ++i) {
            const T u = scale * (s.g[i] + wd * s.p[i]);
            b[i] = u + mu * b[i];
            s.p[i] = s.p[i] - (nest ? u + mu * b[i] : b[i]);
        }
    }
};

CGP_REGISTER_TENSOR_OPTIMIZER(Lars)
