// validate_rejects.cpp: a well-formed plugin whose validate() refuses beta1 + beta2 > 1.5, to show
// that the host passes a plugin's own check and its message through.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>
#include <string>

struct PickyMomentum {
    static constexpr cgp::sdk::info info{"picky", "Picky", "0.1.0", "refuses some hyperparameter pairs"};
    enum { lr, beta1, beta2, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 0.1, 0.0, 1.0, 0},
        {"beta1", "first decay", 0.9, 0.0, 1.0, 0},
        {"beta2", "second decay", 0.5, 0.0, 1.0, 0},
    };
    static constexpr unsigned max_state = 0;

    static std::string validate(const double* hp)
    {
        return hp[beta1] + hp[beta2] > 1.5 ? "beta1 + beta2 must not exceed 1.5" : "";
    }

    template <class T>
    struct constants {
        T lr;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr])};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(PickyMomentum)
