// sgd_parts.hpp: the parts the SDK-based test plugins share: a schema of lr alone, or of lr and
// momentum, with their per-step constants. A plugin inherits one and adds its info and its update.
#pragma once

#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct LrOnly {
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 0;

    template <class T>
    struct constants {
        T lr;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[0])};
    }
};

struct LrMomentum {
    enum { lr, momentum, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0},
                                             {"momentum", "momentum factor", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE}};
    static constexpr unsigned max_state = 1;

    template <class T>
    struct constants {
        T lr, mu;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[0]), static_cast<T>(hp[1])};
    }
};

// SGD with decoupled weight decay, p <- p - Sign*lr*weight_decay*p - lr*g; Sign = -1 is a mistake, and
// so is Flags = 0 (the decay not declared by CGP_HPARAM_DECOUPLED_DECAY).
template <int Sign, std::uint32_t Flags = CGP_HPARAM_DECOUPLED_DECAY>
struct DecoupledDecay {
    enum { lr, weight_decay, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0},
                                             {"weight_decay", "decoupled weight decay", 1e-4, 0.0, 1.0, Flags}};
    static constexpr unsigned max_state = 0;

    template <class T>
    struct constants {
        T lr, decay;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[0]), static_cast<T>(Sign * hp[0] * hp[1])};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.decay) * p - V(c.lr) * g;
    }
};
